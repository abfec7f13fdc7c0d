"""The project's one domain error.

Services raise Django's ``ValidationError`` for bad input, ``PermissionDenied``
(with a reason) when the actor may not do something, and ``ApplicationError``
when the request is well-formed and allowed but conflicts with the current
state (voting twice, accepting an answer that is already accepted).
"""


class ApplicationError(Exception):
    status_code = 409

    def __init__(self, message: str, *, code: str = "conflict") -> None:
        super().__init__(message)
        self.message = message
        self.code = code
