"""``make bench-dashboard``: time each staff-dashboard query on the 20,000-question
bench data set (the same database as ``make bench``, built if missing)."""

from typing import Any

from django.core.management.base import CommandError
from django.db import connection

from dashboard import benchmark as dashboard_benchmark
from qa import benchmark
from qa.management.commands import bench_pages


class Command(bench_pages.Command):
    command_name = "bench_dashboard"
    help = (
        "Time every staff-dashboard query (median and worst of five runs, for several "
        "periods) on the bench data set; the target is under 200 ms each."
    )

    def _run(self, options: dict[str, Any]) -> None:
        if bench_pages._is_developer_database(connection.settings_dict["NAME"]):
            raise CommandError("Refusing to run on the site's own database.")
        self._log(f"Bench database: {connection.vendor} {connection.settings_dict['NAME']}")
        spec = benchmark.DatasetSpec(questions=options["questions"], users=options["users"])
        try:
            benchmark.ensure_schema(log=self._log)
            benchmark.ensure_dataset(spec, rebuild=options["rebuild"], log=self._log)
        except benchmark.BenchmarkError as error:
            raise CommandError(str(error)) from error
        results = dashboard_benchmark.measure_dashboard(log=self._log)
        self.stdout.write(dashboard_benchmark.format_results(results))
