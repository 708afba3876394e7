#!/usr/bin/env python3
"""Decides one facts document with a bundle built by `rulec build`:
Precept's C ABI through ctypes (the standard library only).

    decide.py BUNDLE.rbc FACTS.json [LIBRARY]

LIBRARY is the path of libprecept.so; without it, $PRECEPT_LIBRARY, then
the system's search (ctypes.util.find_library). Prints the bundle, the
outcome, and each violation and review.
"""
import ctypes
import ctypes.util
import os
import sys

OK = 0
VIOLATIONS, REVIEWS = 0, 1
OUTCOMES = {0: "allow", 1: "review", 2: "deny", 3: "indeterminate"}


class String(ctypes.Structure):
    """precept_string: a pointer and a length (the text may hold NUL bytes)."""

    _fields_ = [("data", ctypes.c_void_p), ("size", ctypes.c_size_t)]

    def text(self):
        return ctypes.string_at(self.data, self.size).decode("utf-8", "replace") if self.size else ""


class Options(ctypes.Structure):
    _fields_ = [
        ("explain", ctypes.c_int),
        ("now", ctypes.c_char_p),
        ("fuel", ctypes.c_uint64),
        ("max_entries", ctypes.c_uint64),
        ("max_fact_bytes", ctypes.c_uint64),
        ("max_fact_depth", ctypes.c_uint64),
    ]


class Entry(ctypes.Structure):
    _fields_ = [
        ("rule", String),
        ("title", String),
        ("message", String),
        ("obligation", String),
        ("severity", ctypes.c_int),
        ("citation_count", ctypes.c_size_t),
        ("binding_count", ctypes.c_size_t),
    ]


def load_library(path):
    path = path or os.environ.get("PRECEPT_LIBRARY") or ctypes.util.find_library("precept")
    if not path:
        sys.exit("decide.py: libprecept not found: give its path, or set PRECEPT_LIBRARY")
    lib = ctypes.CDLL(path)
    handle = ctypes.c_void_p
    out = ctypes.POINTER(ctypes.c_void_p)
    signatures = {
        "precept_bundle_load": [ctypes.c_char_p, out, ctypes.c_char_p, ctypes.c_size_t],
        "precept_engine_new": [handle, out],
        "precept_evaluator_new": [handle, out],
        "precept_decision_new": [out],
        "precept_options_init": [ctypes.POINTER(Options)],
        "precept_evaluate": [handle, ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(Options), handle],
        "precept_decision_outcome": [handle, ctypes.POINTER(ctypes.c_int)],
        "precept_decision_bundle": [handle, ctypes.POINTER(String), ctypes.POINTER(String)],
        "precept_decision_count": [handle, ctypes.c_int, ctypes.POINTER(ctypes.c_size_t)],
        "precept_decision_entry": [handle, ctypes.c_int, ctypes.c_size_t, ctypes.POINTER(Entry)],
    }
    for name, argtypes in signatures.items():
        function = getattr(lib, name)
        function.argtypes = argtypes
        function.restype = ctypes.c_int  # precept_status
    lib.precept_evaluator_error.argtypes = [handle]
    lib.precept_evaluator_error.restype = ctypes.c_char_p
    for name in ("bundle", "engine", "evaluator", "decision"):
        free = getattr(lib, "precept_%s_free" % name)
        free.argtypes = [handle]
        free.restype = None
    return lib


def entries(lib, decision, which):
    count = ctypes.c_size_t()
    lib.precept_decision_count(decision, which, ctypes.byref(count))
    for i in range(count.value):
        entry = Entry()
        if lib.precept_decision_entry(decision, which, i, ctypes.byref(entry)) == OK:
            yield entry


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: decide.py BUNDLE.rbc FACTS.json [LIBRARY]")
    lib = load_library(sys.argv[3] if len(sys.argv) == 4 else None)

    error = ctypes.create_string_buffer(512)
    bundle = ctypes.c_void_p()
    if lib.precept_bundle_load(sys.argv[1].encode(), ctypes.byref(bundle), error, len(error)) != OK:
        sys.exit("decide.py: " + error.value.decode("utf-8", "replace"))
    engine, evaluator, decision = ctypes.c_void_p(), ctypes.c_void_p(), ctypes.c_void_p()
    try:
        # One engine per process, shared by threads; one evaluator per thread.
        if (lib.precept_engine_new(bundle, ctypes.byref(engine)) != OK
                or lib.precept_evaluator_new(engine, ctypes.byref(evaluator)) != OK
                or lib.precept_decision_new(ctypes.byref(decision)) != OK):
            sys.exit("decide.py: out of memory")
        with open(sys.argv[2], "rb") as f:
            facts = f.read()
        options = Options()
        lib.precept_options_init(ctypes.byref(options))
        if lib.precept_evaluate(evaluator, facts, len(facts), ctypes.byref(options), decision) != OK:
            sys.exit("decide.py: " + lib.precept_evaluator_error(evaluator).decode("utf-8", "replace"))

        name, version, outcome = String(), String(), ctypes.c_int()
        lib.precept_decision_bundle(decision, ctypes.byref(name), ctypes.byref(version))
        lib.precept_decision_outcome(decision, ctypes.byref(outcome))
        print("bundle: %s %s" % (name.text(), version.text()))
        print("outcome: " + OUTCOMES[outcome.value])
        for entry in entries(lib, decision, VIOLATIONS):
            print("deny %s: %s" % (entry.rule.text(), entry.message.text()))
        for entry in entries(lib, decision, REVIEWS):
            print("review %s: %s" % (entry.rule.text(), entry.message.text()))
    finally:
        lib.precept_decision_free(decision)
        lib.precept_evaluator_free(evaluator)
        lib.precept_engine_free(engine)
        lib.precept_bundle_free(bundle)


if __name__ == "__main__":
    main()
