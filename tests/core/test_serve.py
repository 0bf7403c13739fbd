"""`groundswell serve`: granian by default, sized from the CPU count and the database's
connection budget, with gunicorn as a fallback."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError

from groundswell.core.serving import web_concurrency_from_environment, web_concurrency_sized


@pytest.fixture
def started(monkeypatch):
    seen: dict = {}
    monkeypatch.setattr("os.execv", lambda program, argv: seen.update(argv=argv))
    monkeypatch.setenv("ACCESS_LOG", "0")
    for name in ("WEB_CONCURRENCY", "WEB_THREADS", "SERVE_SERVER", "DATABASE_MAX_CONNECTIONS",
                 "DATABASE_RESERVED_CONNECTIONS"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("groundswell.core.serving.available_cpus", lambda: 2)
    return seen


def option(argv: list[str], name: str) -> str:
    return argv[argv.index(name) + 1]


def test_by_default_it_runs_granian_with_one_worker_per_core_plus_one_of_eight_threads(started):
    call_command("serve", "--bind", "127.0.0.1:8123")

    argv = started["argv"]
    assert argv[1:3] == ["-m", "granian"]
    assert option(argv, "--interface") == "wsgi"
    assert (option(argv, "--host"), option(argv, "--port")) == ("127.0.0.1", "8123")
    assert (option(argv, "--workers"), option(argv, "--blocking-threads")) == ("3", "8")
    assert argv[-1] == "groundswell.config.wsgi:application"


def test_it_restarts_dead_workers_and_stops_gracefully(started):
    call_command("serve")

    argv = started["argv"]
    assert "--respawn-failed-workers" in argv
    assert option(argv, "--workers-kill-timeout") == "20"
    assert "--no-access-log" in argv


def test_the_environment_overrides_the_sizing_and_arguments_override_the_environment(
    started, monkeypatch
):
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    monkeypatch.setenv("WEB_THREADS", "4")
    call_command("serve")
    assert (
        option(started["argv"], "--workers"),
        option(started["argv"], "--blocking-threads"),
    ) == (
        "5",
        "4",
    )

    call_command("serve", "--workers", "2", "--threads", "1")
    assert (
        option(started["argv"], "--workers"),
        option(started["argv"], "--blocking-threads"),
    ) == (
        "2",
        "1",
    )


def test_the_default_threads_shrink_to_fit_the_database_connection_budget(started, monkeypatch):
    monkeypatch.setenv("DATABASE_MAX_CONNECTIONS", "22")
    monkeypatch.setenv("DATABASE_RESERVED_CONNECTIONS", "10")

    call_command("serve")

    # 12 connections for the web tier: 3 workers of 4 threads.
    assert (
        option(started["argv"], "--workers"),
        option(started["argv"], "--blocking-threads"),
    ) == (
        "3",
        "4",
    )


def test_sizing_never_goes_below_one_worker_of_one_thread():
    sized = web_concurrency_sized(cpus=64, connection_budget=1)
    assert (sized.workers, sized.threads) == (1, 1)
    sized = web_concurrency_sized(cpus=2, connection_budget=90)
    assert (sized.workers, sized.threads, sized.connections) == (3, 8, 24)


def test_a_bad_budget_stops_serve_with_the_variable_name(monkeypatch):
    monkeypatch.setenv("DATABASE_MAX_CONNECTIONS", "lots")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_MAX_CONNECTIONS"):
        web_concurrency_from_environment()


def test_gunicorn_is_the_fallback(started, monkeypatch):
    monkeypatch.setenv("SERVE_SERVER", "gunicorn")

    call_command("serve", "--bind", "127.0.0.1:8123", "--threads", "4")

    argv = started["argv"]
    assert argv[1:4] == ["-m", "gunicorn", "groundswell.config.wsgi:application"]
    assert option(argv, "--worker-class") == "gthread"
    assert option(argv, "--bind") == "127.0.0.1:8123"


def test_a_unix_socket_is_served_by_granian_too(started):
    call_command("serve", "--bind", "unix:/run/groundswell/web.sock")

    assert option(started["argv"], "--uds") == "/run/groundswell/web.sock"


def test_it_refuses_a_bind_without_a_port(started):
    with pytest.raises(CommandError, match="HOST:PORT"):
        call_command("serve", "--bind", "localhost")


def test_a_web_process_freezes_what_it_loaded_so_full_collections_skip_it():
    import gc

    import groundswell.config.wsgi  # noqa: F401  (what every web worker imports)

    assert gc.get_freeze_count() > 10_000
