"""Import a Stack Exchange data dump: the one entry point (``import_dump``)."""

import time
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from .importer import DEFAULT_BATCH_SIZE, Importer
from .models import ImportRun, ImportSite
from .report import ImportSummary, ProblemCallback, ProgressCallback


def site_for(name: str, url: str = "") -> ImportSite:
    """The site called ``name``, created on first import. A name that looks
    like a host ("ai.stackexchange.com") gives the attribution URL."""
    name = name.strip()
    if not url and "." in name and " " not in name and "/" not in name:
        url = f"https://{name}"
    site, _ = ImportSite.objects.get_or_create(
        name=name,
        defaults={"slug": slugify(name.replace(".", "-"))[:50] or "site", "url": url},
    )
    if url and site.url != url:
        ImportSite.objects.filter(pk=site.pk).update(url=url)
        site.url = url
    return site


def import_dump(
    path: str | Path,
    *,
    site_name: str | None = None,
    site_url: str = "",
    limit: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: ProgressCallback | None = None,
    on_problem: ProblemCallback | None = None,
    jobs: int = 1,
) -> ImportSummary:
    """Import the dump in folder ``path`` into site ``site_name`` (the folder's
    name by default); return what was imported, updated and skipped.

    Safe to run again (rows already imported are updated, unchanged ones left
    alone) and to resume after an interruption. ``jobs`` > 1 renders texts in
    that many worker processes while the importer writes. ``limit`` caps the number of
    questions (their answers, comments and links follow them). Several sites
    can share a database: mappings are per site, tags are shared by name.
    """
    folder = Path(path)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder")
    if limit is not None and limit < 0:
        raise ValueError("limit must be zero or more")
    with transaction.atomic():
        site = site_for(site_name or folder.resolve().name, site_url)
        run = ImportRun.objects.create(site=site, source=str(folder.resolve()))
    summary = ImportSummary(site=site.name)
    started = time.perf_counter()
    importer = Importer(
        folder=folder,
        site=site,
        run=run,
        summary=summary,
        limit=limit,
        batch_size=batch_size,
        on_progress=on_progress,
        on_problem=on_problem,
        jobs=jobs,
    )
    try:
        importer.run_all()
    except BaseException:
        summary.seconds = time.perf_counter() - started
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FAILED, finished_at=timezone.now(), summary=summary.as_dict()
        )
        raise
    summary.seconds = time.perf_counter() - started
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.FINISHED, finished_at=timezone.now(), summary=summary.as_dict()
    )
    return summary
