"""The privacy app's periodic work, for the scheduler (reputation's run_scheduler)."""

from . import services


def privacy_jobs() -> str:
    """Build pending exports, carry out due erasures, purge old logs; summarise."""
    built = services.exports_build_pending()
    erased = services.erasures_run_due().erased
    purged = services.logs_purge()
    purged_text = (
        ", ".join(f"{count} {name}" for name, count in purged.items() if count) or "nothing"
    )
    return f"{built} export(s) built, {erased} account(s) erased, purged {purged_text}"
