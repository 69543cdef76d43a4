"""Starting an example's run as a fresh process without paying for torch's import each time.

``python -m examples.NAME --engine torch`` spends about 5 s of CPU before the example's first line: importing torch
(~2 s), torchvision (~2 s), and ``torch._dynamo``, which torch imports when the first optimizer is made (~1.7 s).
With 20 examples in two engines that is most of a ``--quick`` run. So the runs are started the way
multiprocessing's "forkserver" starts processes: one server process imports torch, torchvision and minitorch once
(``PRELOAD``), and each run is a fork of it. A fork is still a fresh process - the example's own code has never
run in it, and nothing it does reaches the next run - it only starts with those modules already imported.

A run's stdout and stderr go to files (the child points its file descriptors 1 and 2 at them), which the caller
reads as they grow (live progress bars) and after the run. The CPU threads a run may use are fixed by environment
variables read when torch and NumPy are imported, so they are fixed in the server: all runs of one server use the
same ``threads`` (``launch`` refuses another count rather than silently using the wrong one).
"""
import atexit
import multiprocessing
import os
import runpy
import sys
import traceback

# What every run imports anyway; a module that is not installed is skipped by the server
PRELOAD = ["numpy", "torch", "torch._dynamo", "torchvision", "minitorch", "examples._engine"]

_server = {}  # "context": the forkserver context, "threads": the thread count it was started with


def thread_env(threads):
    """The environment that gives a process ``threads`` CPU threads: torch's intra-op pool and the BLAS pools
    (OpenBLAS under NumPy, MKL under torch) all read these when they are imported."""
    return {name: str(threads) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _context(threads):
    if not _server:
        if threads:  # in our environment before the server starts: it inherits it, then imports torch and NumPy
            os.environ.update(thread_env(threads))
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        _server.update(context=context, threads=threads)
    elif _server["threads"] != threads:
        raise ValueError(f"the example server was started with threads={_server['threads']}; a run with "
                         f"threads={threads} needs a process of its own (torch and NumPy fix it at import)")
    return _server["context"]


def _run(module, argv, env, cwd, stdout, stderr):
    """In the forked child: run ``python -m MODULE ARGV...`` as Python would, and exit with its status."""
    for fd, path in ((1, stdout), (2, stderr)):
        target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(target, fd)
        os.close(target)
    sys.stdin = open(os.devnull)
    os.environ.update(env)
    os.chdir(cwd)
    sys.path.insert(0, cwd)
    sys.argv = [module, *argv]
    status = 0
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as exit_:  # sys.exit(...), argparse's errors: handled as Python handles them at exit
        status = 0 if exit_.code is None else exit_.code
        if not isinstance(status, int):
            print(status, file=sys.stderr)
            status = 1
    except BaseException:
        traceback.print_exc()
        status = 1
    atexit._run_exitfuncs()  # a multiprocessing child skips them; the examples write their records there
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (ValueError, OSError):  # the module closed it (json.tool does), as Python's own exit tolerates
            pass
    os._exit(status)


def launch(module, argv, env, cwd, stdout, stderr, threads=None):
    """Start ``python -m MODULE ARGV...`` (in ``cwd``, with ``env`` added to the environment) as a fork of the
    preloaded server; its output goes to the files ``stdout`` and ``stderr``. Returns the started process
    (``.join()``, ``.exitcode``, ``.is_alive()``)."""
    process = _context(threads).Process(target=_run, args=(module, list(argv), dict(env), str(cwd), str(stdout),
                                                           str(stderr)))
    process.start()
    return process
