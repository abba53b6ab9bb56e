"""The names the engine knows, in one place: what ends a process, what reaps a child, what fills
or empties a container, what only looks at a handle, what marks code as run once or many times.

The slicer (which decides from text what to parse) and the analysis (which decides on the tree)
both import these, so the two cannot disagree about a name.
"""

from __future__ import annotations

import re

# A dict literal indexed, or asked with get(), right where it ends (`{...}[action]`,
# `{...}.get(action)`): a dispatch table, whose looked-up function the code then calls. The
# slicer keeps the chunk holding one; the analysis counts its call as a call of each function.
DISPATCH_LOOKUP = re.compile(r"\}\s*(?:\[|\.get\()")

# ---------------------------------------------------------------------------- the process ends

# Calls after which the calling process is gone (or is another program): a fork whose parent
# branch calls one leaks nothing.
EXIT_FUNCTIONS = frozenset(
    {
        "os._exit",
        "sys.exit",
        "@exit",
        "exit",
        "quit",
        "os.abort",
        "os.execv",
        "os.execve",
        "os.execvp",
        "os.execvpe",
        "os.execl",
        "os.execle",
        "os.execlp",
        "os.execlpe",
    }
)
# what ends the process from any thread (sys.exit() raises SystemExit, which ends the process only
# in the main thread: elsewhere it ends that thread alone); the execs replace the image
HARD_EXITS = frozenset({"os._exit", "os.abort"})
# how an exit is spelled in source text (what the slicer looks for)
EXIT_WORDS = tuple(
    sorted({name.rsplit(".", 1)[-1].lstrip("@") for name in EXIT_FUNCTIONS} | {"SystemExit"})
)

# ---------------------------------------------------------------------------- reapers

PID_WAIT_ANY = frozenset({"os.wait", "os.wait3"})  # reap any child
PID_WAIT_FUNCTIONS = frozenset({"os.waitpid", "os.wait4", "os.waitid"})  # given a pid (or -1)
# Send a signal to a pid; one of the ENDING_SIGNALS ends the child without reaping it.
PID_KILL_FUNCTIONS = frozenset({"os.kill", "os.killpg"})
ENDING_SIGNALS = frozenset({"SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGQUIT", "SIGABRT"})
MP_WAIT_ANY = frozenset({"multiprocessing.active_children"})  # reaps finished mp children
# The names a handle's own API waits for it with (Popen.wait, Process.join, Thread.join): a
# class with such a method waiting for the handle it holds forwards that API to its users.
WAIT_METHOD_NAMES = frozenset({"wait", "join"})
# Schedulers that call the function they are given once, later (Tk's `after`, asyncio's
# loop): the position of that function among their positional arguments.
ONE_SHOT_SCHEDULERS = {
    "after": 1,
    "after_idle": 0,
    "call_later": 1,
    "call_soon": 0,
    "call_soon_threadsafe": 0,
    "call_at": 1,
}

# Calls that fail in normal operation, not only in theory: reaching a peer (a connect, a
# handshake, a login) fails whenever it is down, slow or refuses; so does a method of the
# object's own waiting for it with a deadline (`self._wait_connected()`, `self.waitForConfig()`;
# a bare `wait()` of an Event or a child returns instead). A constructor making one after
# starting a thread raises with the thread running.
FAILING_CALLS = frozenset(
    {
        "connect",
        "create_connection",
        "open_connection",
        "do_handshake",
        "handshake",
        "login",
        "authenticate",
        "getaddrinfo",
        "urlopen",
    }
)
OWN_WAIT_PREFIXES = (
    "wait_for",
    "waitfor",
    "wait_until",
    "waituntil",
    "wait_connected",
    "waitconnected",
)
# Words of an exception raised when a peer fails (`raise ConnectionError(...)`,
# `raise HandshakeTimeout`), not when the caller erred (`raise ValueError("bad interval")`).
FAILING_EXCEPTION_WORDS = ("connection", "timeout", "handshake", "refused", "unreachable", "auth")

# Calls that run a function handed to them again and again (GLib, Twisted, Tornado, a signal,
# schedule's every().do(), APScheduler's add_job): a reaper handed to one runs regularly.
PERIODIC_REGISTRARS = frozenset(
    {
        "timeout_add",
        "timeout_add_seconds",
        "timeout_add_full",
        "idle_add",
        "LoopingCall",
        "PeriodicCallback",
        "signal",
        "add_signal_handler",
        "do",
        "add_job",
        "setInterval",
        "schedule_interval",
        "call_repeatedly",
    }
)
FORK_CALLS = frozenset({"os.fork", "os.forkpty", "pty.fork"})  # the parent gets the pid back
# Words in the name of a method that runs in the forked child (`_reset_after_fork`,
# `_at_fork_reinit`, `_after_fork`): what it re-creates is the child's own.
FORK_HOOK_WORDS = ("after_fork", "at_fork", "in_forked_child")
# What the slicer looks for in text to keep a wait-any reaper.
REAPER_WORDS = ("waitpid", "wait3", "wait4", "waitid", "os.wait", "SIGCHLD", "active_children")

# ---------------------------------------------------------------------------- containers

CONTAINER_ADD = frozenset(
    {"append", "add", "appendleft", "insert", "put", "put_nowait", "extend", "setdefault", "update"}
)
CONTAINER_TAKE = frozenset({"pop", "popleft", "get", "get_nowait", "popitem"})
# what takes one item out of a container without waiting for one (not a queue's get()): it may
# leave it empty
CONTAINER_REMOVE = (CONTAINER_TAKE - {"get", "get_nowait"}) | {"remove", "discard"}
ITER_WRAPPERS = frozenset(
    {
        "list",
        "tuple",
        "reversed",
        "sorted",
        "set",
        "iter",
        "enumerate",
        "copy",
        # six and Python 2 spellings of the dict views
        "iteritems",
        "itervalues",
        "iterkeys",
        "viewitems",
        "viewvalues",
    }
)
ITER_METHODS = frozenset({"values", "items", "copy", "keys"})

# Callees that make an object inspecting a child by its pid: only that object's wait() reaps
# it (psutil.Process(pid).status() does not; psutil.Process(pid).wait() does).
INSPECTORS = frozenset({"psutil.Process"})

# Logging calls (`log.info(...)`, `logger.exception(...)`): they look, take nothing, and do
# not raise in practice.
LOG_METHODS = frozenset(
    {"log", "debug", "info", "warning", "warn", "error", "exception", "critical"}
)

# Callees that look at a handle without taking ownership of it.
NON_OWNING = (
    frozenset(
        {
            "print",
            "str",
            "repr",
            "len",
            "id",
            "isinstance",
            "hash",
            "bool",
            "int",
            "format",
            "type",
            "vars",
            "os.kill",
            "os.killpg",
            "os.getpgid",
            "os.setpgid",
            "signal.pthread_kill",
        }
    )
    | LOG_METHODS
)

# Calls that do not raise in practice (raising.py: what may skip a stop after it): builtins of
# plain values, sleeping and clocks, and methods of containers, strings, threads, events and
# queues being started, waited on or signalled.
# (the builtins that build or walk a collection raise only through what they are given, and
# a call given to them is looked at in its own right: `iter(q.get, None)`, `list(rows)`)
QUIET_FUNCTIONS = frozenset(
    {"print", "len", "str", "repr", "int", "float", "bool", "isinstance", "range", "sleep",
     "time", "monotonic", "perf_counter", "iter", "list", "tuple", "set", "dict", "enumerate",
     "zip", "sorted", "reversed"}
)  # fmt: skip
QUIET_METHODS = frozenset(
    {"append", "appendleft", "extend", "add", "insert", "update", "setdefault", "get", "items",
     "keys", "values", "copy", "format", "strip", "startswith", "endswith", "start", "join",
     "is_alive", "wait", "is_set", "clear", "set", "put", "put_nowait", "cancel", "notify",
     "notify_all"}
)  # fmt: skip

# Calls carrying what they are given out of the process: over a pipe or socket, into a file (a
# pid file). A pid given to them reaches no one who can wait for it: only the parent can.
OUT_OF_PROCESS = frozenset(
    {"send", "send_bytes", "sendall", "sendto", "write", "writelines", "write_text", "write_bytes"}
)

# Methods of a handle that, passed on to run later (``atexit.register(p.terminate)``,
# ``stack.callback(t.join)``, ``weakref.finalize(self, p.kill)``), register its cleanup.
CLEANUP_METHODS = frozenset(
    {"wait", "join", "terminate", "kill", "shutdown", "close", "cancel", "communicate", "stop"}
)

# Calls registering a function to run later with the arguments after it (``weakref.finalize(obj,
# fn, h)``, ``atexit.register(fn, h)``): the position of that function among their positional
# arguments; and methods doing the same with it first (``stack.callback(fn, h)``).
CLEANUP_REGISTERS = {"weakref.finalize": 1, "atexit.register": 0}
CLEANUP_REGISTER_METHODS = frozenset({"callback", "addCleanup"})

# Methods that end an object's life: what they do to a handle is what happens to it.
CLEANUP_METHOD_NAMES = frozenset(
    {
        "close",
        "aclose",
        "stop",
        "shutdown",
        "terminate",
        "kill",
        "cleanup",
        "release",
        "disconnect",
        "dispose",
        "__exit__",
        "__aexit__",
        "__del__",
    }
)

# The methods the standard library's process, thread, socket, file, queue, executor, logger
# and container objects answer to (`start`, `run`, `close`, `get`, `submit`...; the public
# callables of threading.Thread/Timer/Event/Condition, subprocess.Popen, multiprocessing's
# Process and Pool, socket.socket, asyncio's loop, Task, Queue, Process and streams,
# queue.Queue, io.IOBase, concurrent.futures' Executor and Future, logging's Logger and Handler,
# sched.scheduler, socketserver.BaseServer, selectors.BaseSelector, dict, list, set and deque,
# as CPython 3.11 lists them): a call of one read from an object of unknown type
# (`x.start()`) may be any of theirs, so it tells nothing of a package's own method so named.
STDLIB_METHOD_NAMES = frozenset(
    {
        "Process", "accept", "acquire", "add", "addFilter", "addHandler", "add_done_callback",
        "add_reader", "add_signal_handler", "add_writer", "append", "appendleft", "apply",
        "apply_async", "at_eof", "bind", "callHandlers", "call_at", "call_exception_handler",
        "call_later", "call_soon", "call_soon_threadsafe", "can_write_eof", "cancel",
        "cancelled", "cancelling", "clear", "close", "close_request", "communicate", "connect",
        "connect_accepted_socket", "connect_ex", "connect_read_pipe", "connect_write_pipe",
        "copy", "count", "createLock", "create_connection", "create_datagram_endpoint",
        "create_future", "create_server", "create_task", "create_unix_connection",
        "create_unix_server", "critical", "debug", "default_exception_handler", "detach",
        "difference", "difference_update", "discard", "done", "drain", "dup", "emit", "empty",
        "enter", "enterabs", "error", "exception", "extend", "extendleft", "fatal", "feed_data",
        "feed_eof", "fileno", "filter", "findCaller", "finish_request", "flush", "format",
        "fromkeys", "full", "get", "getChild", "getEffectiveLevel", "getName", "get_coro",
        "get_debug", "get_exception_handler", "get_extra_info", "get_inheritable", "get_key",
        "get_loop", "get_map", "get_name", "get_nowait", "get_stack", "get_task_factory",
        "getaddrinfo", "getblocking", "getnameinfo", "getpeername", "getsockname", "getsockopt",
        "gettimeout", "handle", "handleError", "handle_error", "handle_request",
        "handle_timeout", "hasHandlers", "imap", "imap_unordered", "index", "info", "insert",
        "intersection", "intersection_update", "isDaemon", "isEnabledFor", "isSet", "is_alive",
        "is_closed", "is_closing", "is_running", "is_set", "isatty", "isdisjoint", "issubset",
        "issuperset", "items", "join", "keys", "kill", "listen", "log", "makeRecord",
        "makefile", "map", "map_async", "modify", "notify", "notifyAll", "notify_all", "poll",
        "pop", "popitem", "popleft", "print_stack", "process_request", "put", "put_nowait",
        "qsize", "read", "readable", "readexactly", "readline", "readlines", "readuntil",
        "recv", "recv_into", "recvfrom", "recvfrom_into", "recvmsg", "recvmsg_into", "register",
        "release", "remove", "removeFilter", "removeHandler", "remove_done_callback",
        "remove_reader", "remove_signal_handler", "remove_writer", "result", "reverse",
        "rotate", "run", "run_forever", "run_in_executor", "run_until_complete", "running",
        "seek", "seekable", "select", "send", "send_signal", "sendall", "sendfile", "sendmsg",
        "sendmsg_afalg", "sendto", "serve_forever", "server_activate", "server_close",
        "service_actions", "set", "setDaemon", "setFormatter", "setLevel", "setName",
        "set_debug", "set_default_executor", "set_exception", "set_exception_handler",
        "set_inheritable", "set_name", "set_result", "set_running_or_notify_cancel",
        "set_task_factory", "set_transport", "setblocking", "setdefault", "setsockopt",
        "settimeout", "shutdown", "shutdown_asyncgens", "shutdown_default_executor",
        "shutdown_request", "sock_accept", "sock_connect", "sock_recv", "sock_recv_into",
        "sock_recvfrom", "sock_recvfrom_into", "sock_sendall", "sock_sendfile", "sock_sendto",
        "sort", "starmap", "starmap_async", "start", "start_tls", "stop", "submit",
        "subprocess_exec", "subprocess_shell", "symmetric_difference",
        "symmetric_difference_update", "task_done", "tell", "terminate", "time", "truncate",
        "uncancel", "union", "unregister", "update", "values", "verify_request", "wait",
        "wait_closed", "wait_for", "warn", "warning", "writable", "write", "write_eof",
        "writelines"
    }
)  # fmt: skip

# What a thread or process gets as it is started, None before (`if t.ident is not None:
# t.join()` joins every one there is): `ident` and `native_ident` of a thread, `pid` of a
# multiprocessing process (a Popen's is set as it is made).
SET_AT_START = frozenset({"ident", "native_ident", "pid"})

# Methods that end a *resource's* life: Python's convention for what is opened and closed per
# use (a file, a connection, a session, a client: close(), a context manager, disconnect()).
# A class having one makes per-use objects (harm.py). Not stop()/shutdown()/terminate(): a
# service (a server, a scheduler, a manager) is stopped once, at the end; nor __del__: any
# class may be collected.
PER_USE_METHODS = frozenset({"close", "disconnect", "dispose", "release", "__exit__", "__aexit__"})
# What a logging handler defines (`emit(record)`): its objects are set up on a logger, which is
# process-wide, not made and closed per use, close() or not (harm._per_use).
HANDLER_EMIT = "emit"
# A service's ends: per use only when they fail to end the thread they mean to (harm._per_use).
STOP_ENDS = frozenset({"stop", "shutdown", "terminate"})
# The first word of a method named for starting or stopping what its object runs
# (`start_updates()` / `stop_updates()`, `connect()` / `disconnect()`, `resume()` / `pause()`):
# such a pair is called in turn (harm: a thread's start paired with the stop setting its flag).
START_NAME_WORDS = frozenset(
    {"start", "open", "connect", "begin", "launch", "enable", "resume", "activate"}
)
STOP_NAME_WORDS = frozenset(
    {"stop", "close", "disconnect", "end", "halt", "disable", "pause", "deactivate"}
)

# ---------------------------------------------------------------------------- threads

THREAD_TARGET_KEYWORDS = ("target", "function")  # Thread(target=...), Timer(function=...)
# blocks cancelling what they await when their time is up (`async with asyncio.timeout(5):`,
# async_timeout's, anyio's `with fail_after(5):`)
TIMEOUT_BLOCKS = frozenset({"timeout", "timeout_at", "fail_after", "move_on_after"})
# (a chat bot's polling: python-telegram-bot's Application.run_polling() and run_webhook(),
# pyTelegramBotAPI's infinity_polling(), return only when the bot is stopped)
FOREVER_METHODS = frozenset(
    {
        "run_forever",
        "serve_forever",
        "forever",
        "loop_forever",
        "run_polling",
        "run_webhook",
        "infinity_polling",
    }
)
# What stops an object serving forever (an event loop, a socketserver, an MQTT client's
# loop_forever(), which returns on disconnect(), a bot's polling): the thread then ends.
STOP_METHODS = frozenset({"stop", "shutdown", "disconnect", "stop_running", "stop_polling"})
# Seconds a Timer's interval or a thread's first sleep may last and still be a delay, not a
# thread parked for a while (harm.parks_until_fired, sites' sleep first)
SHORT_INTERVAL = 5.0
# Objects serving forever whose close() ends that too: websocket-client's WebSocketApp (close()
# clears keep_running and closes the socket; run_forever() returns). Not an event loop, whose
# close() refuses while it runs, nor a socketserver, whose server_close() leaves the serving
# loop polling.
CLOSE_STOPS = frozenset({"websocket.WebSocketApp", "websocket._app.WebSocketApp"})
# A class whose name ends so is taken for a thread or process by the slicer.
THREADISH_SUFFIXES = ("Thread", "Timer", "Process")

# ---------------------------------------------------------------------------- once or many

# Functions that run once per process.
ONE_OFF_FUNCTIONS = frozenset(
    {"main", "_main", "cli", "run_main", "__main__", "entrypoint", "entry_point"}
)
# Calls that set the title of the process that makes them (`setproctitle("celery worker")`,
# parsl's and distributed's wrappers of the same name, gunicorn's `util._setproctitle`): a
# process names itself once, at the start of its life, so a function doing it as one of its own
# statements is the main of a process (the target of a Process, a worker's entry): it runs once
# in each process, whatever module hands it to the process.
PROCESS_TITLE_SETTERS = frozenset({"setproctitle", "_setproctitle", "set_proc_title"})
# Hooks a forking server runs in each new child right after the fork (gunicorn's post_fork and
# post_worker_init, salt's post_fork(), a library's after_fork()): once per child process, which
# has its own copy of every object, so once per process too.
AFTER_FORK_HOOKS = frozenset({"post_fork", "after_fork", "postfork", "post_worker_init"})
# Hooks a worker framework calls as a worker or a process boots (dramatiq's middleware
# `before_worker_boot()` and `after_process_boot()`, a server's `on_server_boot()`): named as a
# hook (before, after, on...), with the word "boot" beside what boots; once in each worker or
# process. (`boot_process(argv)` is an action, not a hook.)
BOOTING = frozenset({"worker", "process", "server", "app", "application"})


def boot_hook(name: str) -> bool:
    """Is a method of this name a hook run as a worker or process boots
    (``before_worker_boot``, ``after_process_boot``)?"""
    words = name_words(name)
    return (
        bool(words)
        and words[0] in ("before", "after", "on", "pre", "post")
        and "boot" in words
        and any(word in BOOTING for word in words)
    )


# Application factories (Flask's `create_app()` convention): the server process builds its one
# application with one, once, when the module does not call it itself.
APP_FACTORIES = frozenset({"create_app", "make_app", "create_application"})
# Command-line libraries whose decorated commands (`@click.command()`, `@cli.command()`,
# `@app.command()` of typer) are what one run of the program does: once per process.
CLI_LIBRARIES = frozenset({"click", "typer", "rich_click", "cloup", "asyncclick", "hug"})
# (hug's is `@hug.cli()`, `from hug.route import cli`)
CLI_DECORATORS = frozenset({"command", "group", "cli"})
# Decorators registering a function as a server's start-up hook, which the server calls once as
# it starts, not per request (Quart's `@app.before_serving`, Sanic's `@app.before_server_start`,
# Flask's `@app.before_first_request`, caproto's `@pv.startup`, `@app.on_startup`); with the
# event named as an argument, `@app.on_event("startup")` (FastAPI, Starlette).
STARTUP_DECORATORS = frozenset(
    {
        "startup",
        "on_startup",
        "before_serving",
        "before_server_start",
        "after_server_start",
        "before_first_request",
        "on_server_start",
    }
)
STARTUP_EVENT_DECORATORS = frozenset({"on_event", "listener", "register_listener"})
STARTUP_EVENTS = frozenset(
    {"startup", "before_server_start", "after_server_start", "main_process_start"}
)
# Signals that ask the process to stop, sent by a person (Ctrl-C) or a supervisor: a handler of
# one runs as the program is being stopped, once per such request, not per unit of work.
# (SIGCHLD, SIGALRM, SIGIO, SIGWINCH... come from the program's own activity, as often as it.)
TERMINATION_SIGNALS = frozenset({"SIGINT", "SIGTERM", "SIGQUIT", "SIGBREAK", "SIGABRT"})
# What installs a signal handler, with the handler second: signal.signal(sig, handler),
# loop.add_signal_handler(sig, callback, *args).
SIGNAL_INSTALLERS = frozenset({"signal.signal", "add_signal_handler"})
# The fixtures a test run calls once per test module or class (unittest's setUpModule and
# setUpClass, pytest's xunit-style setup_module/setup_class), not per test as setUp() is: once,
# when the module's own code does not call them (a library's `setup_module(name)` per plugin).
ONCE_FIXTURES = frozenset({"setUpModule", "setUpClass", "setup_module", "setup_class"})

# Words of a function's name saying that each call registers a job that recurs until it is
# stopped (`run_recurring(interval, cb)`, `start_periodic_flush()`, `call_every(5, f)`): what it
# starts lasts by contract, and callers register such jobs at set-up, one per job, not per request.
RECURRING_WORDS = frozenset(
    {"recurring", "periodic", "periodically", "repeatedly", "repeating", "every", "interval"}
)


# The first words of a module-level function's name that say it sets its module up
# (`setup_exporter()`, `SetupPrometheusExportsFromConfig()`, `init()`, `configure_logging()`):
# called once, at start, by whoever uses the module. Not `start`/`open`/`connect`/`spawn`,
# which a library's users call per use as often as at start.
SETUP_FUNCTION_WORDS = frozenset(
    {"setup", "init", "initialize", "initialise", "configure", "install"}
)


def sets_up_by_name(name: str) -> bool:
    """Is a function of this name, by its first word, one setting its module up?"""
    words = name_words(name)
    if words[:2] == ["set", "up"]:
        return True
    return bool(words) and words[0] in SETUP_FUNCTION_WORDS


def name_words(name: str) -> list[str]:
    """The lower-case words of a snake_case or camelCase name."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [word for word in spaced.lower().split("_") if word]


# How many callers up the analysis weighs how often a start runs (a call at that depth is taken
# as "per call"); the slicer keeps callers one level further, so that the function holding the
# deepest call is parsed too.
CALLER_DEPTH = 3

# Decorators that make a function run once (per distinct arguments).
CACHE_DECORATORS = frozenset(
    {
        "cache",
        "lru_cache",
        "cached_property",
        "memoize",
        "memoized",
        "once",
        "run_once",
        "singleton",
    }
)
# Decorators that keep a method's result on its object (functools.cached_property, the
# cached-property package's threaded and ttl variants, Pyramid's reify): the handle it returns
# is held by the object, as if stored on self under the method's name, once per object.
CACHED_PROPERTIES = frozenset(
    {
        "cached_property",
        "threaded_cached_property",
        "cached_property_with_ttl",
        "threaded_cached_property_with_ttl",
        "reify",
        "lazy_property",
        "lazyproperty",
        "memoized_property",
    }
)
# Methods that set an object up: they run once per object (a login, like a connect, opens the
# session of its client object; `__setstate__` sets up an object that unpickling or copy() makes,
# as `__init__` does one made by its class).
SETUP_METHODS = frozenset(
    {
        "__setstate__",
        "start",
        "launch",
        "spawn",
        "setup",
        "set_up",
        "initialize",
        "initialise",
        "init",
        "open",
        "connect",
        "serve",
        "activate",
        "install",
        "enable",
        "begin",
        "boot",
        "startup",
        "start_server",
        "run_server",
        "login",
        "log_in",
        "authenticate",
    }
)


def starts_a_lifecycle(name: str) -> bool:
    """Is a method of this name one half of a start/stop pair (``start``, ``_start_collect``,
    ``launch_browser``, ``open``, ``__enter__``)? Its caller is bound to stop the object before starting it again.
    (``run(self)`` taking nothing else is one too: flow._runs_itself.)"""
    if name in ("__enter__", "__aenter__"):
        return True
    bare = name.lstrip("_")
    return bare in SETUP_METHODS or any(
        bare.startswith(f"{word}_")
        for word in ("start", "launch", "open", "connect", "setup", "init")
    )


# Base classes whose methods run per connection or per request.
HANDLER_BASES = frozenset(
    {
        "BaseRequestHandler",
        "StreamRequestHandler",
        "DatagramRequestHandler",
        "BaseHTTPRequestHandler",
        "SimpleHTTPRequestHandler",
        "CGIHTTPRequestHandler",
        "WSGIRequestHandler",
        "RequestHandler",
        "WebSocketHandler",
        "Protocol",
        "BaseProtocol",
        "DatagramProtocol",
        "LineReceiver",
        "LineOnlyReceiver",
        "View",
        "APIView",
        "MethodView",
        "HTTPEndpoint",
        "WebSocketEndpoint",
        "AsyncConsumer",
        "SyncConsumer",
        "WebsocketConsumer",
        "AsyncWebsocketConsumer",
    }
)
# The top-level modules those bases come from. A base of one of these names imported from
# anywhere else (`from pubnub.request_handlers.base import BaseRequestHandler`, a relative
# import) is the distribution's own class: its name says nothing about how often it is made.
HANDLER_FRAMEWORKS = frozenset(
    {
        "socketserver",
        "SocketServer",
        "http",
        "BaseHTTPServer",
        "SimpleHTTPServer",
        "CGIHTTPServer",
        "wsgiref",
        "werkzeug",
        "tornado",
        "asyncio",
        "twisted",
        "django",
        "rest_framework",
        "flask",
        "starlette",
        "fastapi",
        "channels",
        "aiohttp",
    }
)
# Methods that run per request or connection, whatever their class.
HANDLER_METHODS = frozenset(
    {
        "handle",
        "handle_request",
        "handle_one_request",
        "process_request",
        "finish_request",
        "handle_connection",
        "handle_client",
        "on_request",
        "on_message",
        "data_received",
        "connection_made",
        "dataReceived",
        "lineReceived",
        "render_GET",
        "render_POST",
    }
)
# Decorators registering the function as a web route, called with its path (`@app.route("/")`,
# FastAPI's `@app.post("/items")`, `@router.websocket("/ws")`): it runs per request.
ROUTE_DECORATORS = frozenset(
    {"route", "get", "post", "put", "patch", "delete", "websocket", "api_route"}
)
# Decorators registering the function as a task a worker runs per message (celery's `@app.task`,
# `@shared_task`, dramatiq's `@actor`), bare or called; a bare name only from these modules
# (invoke's `@task` is a command run once)
TASK_DECORATORS = frozenset({"task", "shared_task", "actor"})
TASK_MODULES = ("celery", "dramatiq", "huey", "rq")
# A parameter with one of these names makes a function a request handler.
HANDLER_PARAMETERS = frozenset({"request", "req", "environ", "http_request"})

# ---------------------------------------------------------------------------- methods that matter

# The iterator protocol of a class: whoever iterates its objects calls these, and may stop at
# any point (a producer thread filling a queue they take from then parks: lifecycle.py).
ITERATOR_METHODS = frozenset({"__next__", "next", "__iter__"})

# what taking the next piece of local work raises when there is none left (`todo.pop()`,
# `next(it)`, `q.get_nowait()`): a `break` on it ends a loop whose work is done
WORK_DONE_ERRORS = frozenset({"IndexError", "KeyError", "StopIteration", "Empty"})

# what a `for` loop iterates when it runs until the process stops it: a stream of messages,
# events or connections (`for message in pubsub.listen():`), `iter(accept, None)`, a counter
ENDLESS_ITERATIONS = frozenset(
    {
        "listen",
        "subscribe",
        "messages",
        "iter_messages",
        "get_messages",
        "events",
        "iter_events",
        "stream",
        "watch",
        "follow",
        "consume",
        "accept",
        "connections",
        "serve",
        "count",
        "cycle",
    }
)

# Methods of a class the slicer always keeps: where a handle is created or reaped.
KEEP_METHODS = ITERATOR_METHODS | frozenset(
    {
        "__init__",
        "__exit__",
        "__aexit__",
        "__del__",
        "run",
        "close",
        "stop",
        "shutdown",
        "terminate",
        "join",
        "cleanup",
        "__enter__",
    }
)


# what a class stops an object it holds with (an asyncio loop, a socketserver): a class handed
# the object a thread serves stops it so (elsewhere.stops_given; the runner's bytes test for
# such a class looks for the same names)
HELD_STOPS = frozenset({"stop", "shutdown", "server_close"})
