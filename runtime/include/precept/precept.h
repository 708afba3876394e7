/* Precept's C ABI: the C++ API behind opaque handles, for C hosts and for
 * other languages' foreign-function interfaces (Python's ctypes, Go's cgo,
 * Rust's bindgen). C99; no exception ever crosses it.
 *
 *   precept_bundle* bundle = NULL;
 *   char why[256];
 *   if (precept_bundle_load("governance.rbc", &bundle, why, sizeof why) != PRECEPT_OK) {
 *     fprintf(stderr, "%s\n", why);            (cannot read `governance.rbc`: ...)
 *     return 2;
 *   }
 *   precept_engine* engine = NULL;              (shared by threads)
 *   precept_engine_new(bundle, &engine);
 *   precept_bundle_free(bundle);                (the engine keeps what it needs)
 *
 *   precept_evaluator* evaluator = NULL;        (one per thread)
 *   precept_decision* decision = NULL;          (reused from one evaluation to the next)
 *   precept_evaluator_new(engine, &evaluator);
 *   precept_decision_new(&decision);
 *   precept_options options;
 *   precept_options_init(&options);
 *   options.now = "2026-12-04";
 *   if (precept_evaluate(evaluator, json, json_size, &options, decision) != PRECEPT_OK)
 *     fprintf(stderr, "%s\n", precept_evaluator_error(evaluator));
 *   precept_outcome outcome;
 *   precept_decision_outcome(decision, &outcome);
 *
 * Every call returns a precept_status, except the version and name lookups
 * and the *_free functions, which cannot fail. A call that fails leaves its
 * out-parameters untouched (except that precept_evaluate empties its
 * decision), and says why: calls that make a bundle write the message into
 * a buffer the caller passes (truncated to fit, NUL-terminated; NULL for
 * none); precept_evaluate keeps it on the evaluator
 * (precept_evaluator_error). Null handles and out-of-range indices give
 * PRECEPT_INVALID_ARGUMENT.
 *
 * Strings come back as precept_string: a pointer and a length (they may hold
 * NUL bytes taken from the facts), also NUL-terminated. Those read from a
 * decision stay valid until the next evaluation into it or its free; a
 * bundle's until its free.
 *
 * Threads: a bundle and an engine may be shared by any number of threads
 * (precept_engine_reload swaps the bundle while they evaluate); an
 * evaluator and a decision belong to one thread at a time. Evaluators keep
 * their engine's state alive, so precept_engine_free may come first. */
#ifndef PRECEPT_H
#define PRECEPT_H

#include <stddef.h>
#include <stdint.h>

#include "precept/export.h"
#include "precept/version.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct precept_bundle precept_bundle;       /* a verified compiled program */
typedef struct precept_engine precept_engine;       /* the current bundle, shared by threads */
typedef struct precept_evaluator precept_evaluator; /* one thread's reusable evaluation state */
typedef struct precept_decision precept_decision;   /* a decision, reused across evaluations */

/* The same numbers as the C++ API's precept::ErrorKind. */
typedef enum precept_status {
  PRECEPT_OK = 0,
  PRECEPT_INVALID_ARGUMENT = 1, /* a null handle, an index out of range, a bad option */
  PRECEPT_IO_ERROR = 2,         /* a file could not be read */
  PRECEPT_BAD_BUNDLE = 3,       /* not a bundle, damaged, or refused by the verifier */
  PRECEPT_COMPILE_ERROR = 4,    /* rule sources with errors (the C++ Bundle::compile) */
  PRECEPT_BAD_FACTS = 5,        /* facts that are not a JSON object, or past the fact limits */
  PRECEPT_OUT_OF_MEMORY = 6,
  PRECEPT_INTERNAL_ERROR = 7, /* a bug in Precept: please report it with the message */
  /* Not a status: makes every int a valid precept_status in C++ too, so a
   * caller's out-of-range value is refused rather than undefined. */
  PRECEPT_STATUS_MAX_ENUM = 0x7FFFFFFF
} precept_status;

typedef enum precept_outcome {
  PRECEPT_ALLOW = 0,
  PRECEPT_REVIEW = 1,
  PRECEPT_DENY = 2,
  PRECEPT_INDETERMINATE = 3
} precept_outcome;

typedef enum precept_severity {
  PRECEPT_INFO = 0,
  PRECEPT_LOW = 1,
  PRECEPT_MEDIUM = 2,
  PRECEPT_HIGH = 3,
  PRECEPT_CRITICAL = 4
} precept_severity;

/* The lists of a decision (docs/decisions.md). */
typedef enum precept_list {
  PRECEPT_VIOLATIONS = 0,
  PRECEPT_REVIEWS = 1,
  PRECEPT_WARNINGS = 2,
  PRECEPT_OBLIGATIONS = 3,
  PRECEPT_OUTPUTS = 4,
  PRECEPT_MISSING = 5,
  PRECEPT_ERRORS = 6,
  PRECEPT_LIST_MAX_ENUM = 0x7FFFFFFF /* not a list: as PRECEPT_STATUS_MAX_ENUM */
} precept_list;

typedef struct precept_string {
  const char* data; /* NUL-terminated too */
  size_t size;
} precept_string;

/* How one evaluation runs: fill it with precept_options_init, then change
 * what you need. The struct grows only with a new major version. */
typedef struct precept_options {
  int explain;             /* nonzero: entries list the facts they read (`because`) */
  const char* now;         /* the date now() returns, "YYYY-MM-DD"; NULL: today in UTC */
  uint64_t fuel;           /* fuel units per evaluation (docs/security.md, Fuel); past it: indeterminate, a limit error */
  uint64_t max_entries;    /* entries per decision; likewise */
  uint64_t max_fact_bytes; /* facts documents larger than this are refused (PRECEPT_BAD_FACTS) */
  uint64_t max_fact_depth; /* and those nested deeper than this */
} precept_options;

/* How a bundle is read: fill it with precept_load_options_init. */
typedef struct precept_load_options {
  uint64_t max_bundle_bytes; /* larger bundles are refused (PRECEPT_BAD_BUNDLE) */
} precept_load_options;

/* A violation, review, warning or obligation. */
typedef struct precept_entry {
  precept_string rule;       /* `<package>.<rule>` */
  precept_string title;      /* empty when the rule has none */
  precept_string message;    /* empty when a `require` has none */
  precept_string obligation; /* an obligation's id (`require <id>`); empty for the others */
  precept_severity severity;
  size_t citation_count; /* precept_decision_entry_citation */
  size_t binding_count;  /* precept_decision_entry_binding */
} precept_entry;

/* The library's version, "0.1.0", and as PRECEPT_VERSION's number: compare
 * them with the header's PRECEPT_VERSION_STRING and PRECEPT_VERSION. */
PRECEPT_API const char* precept_version_string(void);
PRECEPT_API uint32_t precept_version(void);
/* "bad_facts": the name of a status, for logs. */
PRECEPT_API const char* precept_status_name(precept_status status);

/* Fills `options` with the defaults: no explanations, today, the runtime's limits. */
PRECEPT_API precept_status precept_options_init(precept_options* options);

/* ----------------------------------------------------------- bundles --- */

/* Reads and verifies a bundle file (.rbc, as `rulec build` writes it).
 * `error` (may be NULL) receives the reason on failure. */
PRECEPT_API precept_status precept_bundle_load(const char* path, precept_bundle** out, char* error,
                                               size_t error_size);
PRECEPT_API precept_status precept_bundle_from_bytes(const void* bytes, size_t size,
                                                     precept_bundle** out, char* error,
                                                     size_t error_size);
/* The same with limits other than the defaults. */
PRECEPT_API precept_status precept_load_options_init(precept_load_options* options);
PRECEPT_API precept_status precept_bundle_load_with(const char* path,
                                                    const precept_load_options* options,
                                                    precept_bundle** out, char* error,
                                                    size_t error_size);
PRECEPT_API precept_status precept_bundle_from_bytes_with(const void* bytes, size_t size,
                                                          const precept_load_options* options,
                                                          precept_bundle** out, char* error,
                                                          size_t error_size);
/* The manifest's name and version (`rulec build --name N --version V`). */
PRECEPT_API precept_status precept_bundle_name(const precept_bundle* bundle, precept_string* out);
PRECEPT_API precept_status precept_bundle_version(const precept_bundle* bundle,
                                                  precept_string* out);
PRECEPT_API void precept_bundle_free(precept_bundle* bundle);

/* ----------------------------------------------------------- engines --- */

PRECEPT_API precept_status precept_engine_new(const precept_bundle* bundle, precept_engine** out);
/* Makes `bundle` current for every evaluation that starts after this
 * returns; evaluations in flight finish on the bundle they started with. */
PRECEPT_API precept_status precept_engine_reload(precept_engine* engine,
                                                 const precept_bundle* bundle);
PRECEPT_API void precept_engine_free(precept_engine* engine);

/* -------------------------------------------------------- evaluators --- */

PRECEPT_API precept_status precept_evaluator_new(const precept_engine* engine,
                                                 precept_evaluator** out);
/* Decides one facts document (JSON text of `size` bytes) into `decision`.
 * `options` may be NULL for the defaults. PRECEPT_BAD_FACTS when the text
 * is not a JSON object or is past the limits; the decision is then empty
 * (indeterminate, incomplete, no entries). */
PRECEPT_API precept_status precept_evaluate(precept_evaluator* evaluator, const char* facts_json,
                                            size_t size, const precept_options* options,
                                            precept_decision* decision);
/* Why the last precept_evaluate on this evaluator failed; "" after a
 * success. Valid until the evaluator's next call or free. */
PRECEPT_API const char* precept_evaluator_error(const precept_evaluator* evaluator);
PRECEPT_API void precept_evaluator_free(precept_evaluator* evaluator);

/* --------------------------------------------------------- decisions --- */

PRECEPT_API precept_status precept_decision_new(precept_decision** out);
PRECEPT_API void precept_decision_free(precept_decision* decision);

PRECEPT_API precept_status precept_decision_outcome(const precept_decision* decision,
                                                    precept_outcome* out);
/* 1 when every value in it is known, else 0. */
PRECEPT_API precept_status precept_decision_complete(const precept_decision* decision, int* out);
/* The name and version of the bundle that made it; empty for an empty decision. */
PRECEPT_API precept_status precept_decision_bundle(const precept_decision* decision,
                                                   precept_string* name, precept_string* version);
PRECEPT_API precept_status precept_decision_count(const precept_decision* decision,
                                                  precept_list list, size_t* out);

/* Entry `index` of PRECEPT_VIOLATIONS, _REVIEWS, _WARNINGS or _OBLIGATIONS. */
PRECEPT_API precept_status precept_decision_entry(const precept_decision* decision,
                                                  precept_list list, size_t index,
                                                  precept_entry* out);
PRECEPT_API precept_status precept_decision_entry_citation(const precept_decision* decision,
                                                           precept_list list, size_t index,
                                                           size_t citation, precept_string* out);
/* A `for` variable: its name and its element's fact path (`data[2]`), or
 * the element's JSON value for a computed collection. */
PRECEPT_API precept_status precept_decision_entry_binding(const precept_decision* decision,
                                                          precept_list list, size_t index,
                                                          size_t binding, precept_string* name,
                                                          precept_string* value);
/* Output `index`: its id and its value as JSON text (`null` when unsettled). */
PRECEPT_API precept_status precept_decision_output(const precept_decision* decision, size_t index,
                                                   precept_string* id, precept_string* value);
/* Missing fact `index`: its path. */
PRECEPT_API precept_status precept_decision_missing(const precept_decision* decision, size_t index,
                                                    precept_string* path);
/* Error `index`: its kind (`input`, `evaluation`, `limit`), the fact path
 * (input errors) or `file:line:col` (the others) it concerns, empty when
 * none, and its message. Any out-parameter may be NULL. */
PRECEPT_API precept_status precept_decision_error(const precept_decision* decision, size_t index,
                                                  precept_string* kind, precept_string* path,
                                                  precept_string* at, precept_string* message);

/* The JSON form (docs/decisions.md), compact or with `pretty` nonzero
 * indented; and the text form for people. Each stays valid until the next
 * call of the same function on the decision, the next evaluation into it,
 * or its free. */
PRECEPT_API precept_status precept_decision_json(precept_decision* decision, int pretty,
                                                 precept_string* out);
PRECEPT_API precept_status precept_decision_text(precept_decision* decision, precept_string* out);

#ifdef __cplusplus
}
#endif

#endif /* PRECEPT_H */
