"""A list made of a container's handles (``processes = [model, *servers]``, ``everyone =
servers + [monitor]``) holds those same handles: a loop reaping its elements reaps them
(2026-12-06, held12: transformers' ``run_api_servers()`` starts its API servers from
``servers`` and stops and joins them in a ``finally`` over ``processes = [model_process,
*servers]``; it was "kept in `servers`, which is dropped...; nothing joins its elements"). A
copy nothing reaps, or reaps on some paths only, leaves them as before.

Each line starting something says what happens at run time: ``# expect: leak`` or ``ok``."""

from __future__ import annotations

import pytest

from tests.builders import assert_expectations

PROBES = {
    "unpacked_into_a_list_joined_in_finally": """\
import multiprocessing


def serve(count, model):
    servers = [
        multiprocessing.Process(target=run, args=(index,))  # expect: ok
        for index in range(count)
    ]
    processes = [model, *servers]
    for server in servers:
        server.start()
    try:
        wait(processes)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.join()
""",
    "concatenated_and_joined": """\
import threading


def crawl(urls, monitor):
    workers = []
    for url in urls:
        worker = threading.Thread(target=fetch, args=(url,))  # expect: ok
        worker.start()
        workers.append(worker)
    everyone = workers + [monitor]
    for thread in everyone:
        thread.join()
""",
    # (the review: `list(servers)`, a copy handed straight to a helper, the operand on the right)
    "list_call_copy_joined": """\
import multiprocessing


def serve(count):
    servers = [
        multiprocessing.Process(target=run, args=(index,))  # expect: ok
        for index in range(count)
    ]
    for server in servers:
        server.start()
    everyone = list(servers)
    for process in everyone:
        process.join()
""",
    "copy_given_to_a_helper": """\
import multiprocessing


def stop_all(processes):
    for process in processes:
        process.terminate()
        process.join()


def serve(count, model):
    servers = [
        multiprocessing.Process(target=run, args=(index,))  # expect: ok
        for index in range(count)
    ]
    for server in servers:
        server.start()
    stop_all([model, *servers])
""",
    "right_operand_joined": """\
import threading


def crawl(urls):
    monitor = threading.Thread(target=watch)  # expect: ok
    monitor.start()
    workers = [threading.Thread(target=fetch, args=(url,)) for url in urls]  # expect: ok
    for worker in workers:
        worker.start()
    everyone = workers + [monitor]
    for thread in everyone:
        thread.join()
""",
    "copied_and_never_joined": """\
import multiprocessing


def serve(count, model):
    servers = [
        multiprocessing.Process(target=run, args=(index,))  # expect: leak
        for index in range(count)
    ]
    processes = [model, *servers]
    for server in servers:
        server.start()
    report(len(processes))
""",
    "copy_joined_on_one_path": """\
import multiprocessing


def serve(count, model, wait):
    servers = [
        multiprocessing.Process(target=run, args=(index,))  # expect: leak
        for index in range(count)
    ]
    processes = [model, *servers]
    for server in servers:
        server.start()
    if wait:
        for process in processes:
            process.join()
""",
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_copied_container(name: str) -> None:
    assert_expectations(name, PROBES[name])
