"""Rendering dump texts in worker processes."""

from imports.rendering import Job, Renderer, render


def test_workers_render_like_the_importer_and_their_cpu_time_is_counted() -> None:
    text = "<p>" + "a word in <em>emphasis</em> and <code>code</code>, " * 100 + "</p>"
    jobs: list[Job] = [(("post", number), "html", text) for number in range(200)]
    renderer = Renderer(2)
    try:
        rendered = renderer.submit(jobs).get()
        assert rendered[("post", 7)] == render("html", text)
        assert len(rendered) == 200
        used = renderer.cpu_seconds()
        assert used > 0
    finally:
        renderer.close()
    # Still known once the workers are gone: the summary reads it at the end.
    assert renderer.cpu_seconds() >= used
