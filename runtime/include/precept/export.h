/* PRECEPT_API marks what the Precept shared libraries export: the C ABI and
 * the C++ API. Everything else in them is built with hidden visibility, so a
 * host never links against Precept's internals (or sees their symbols clash
 * with its own copies of fmt, simdjson or RE2). */
#ifndef PRECEPT_EXPORT_H
#define PRECEPT_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define PRECEPT_API __attribute__((visibility("default")))
#else
#define PRECEPT_API
#endif

#endif /* PRECEPT_EXPORT_H */
