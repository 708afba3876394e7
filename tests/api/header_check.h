/* Functions defined by the header checks (header_check.cpp, header_check_c.c),
 * called by c_api_test.cpp so the checks are part of the test binary. */
#ifndef PRECEPT_TESTS_HEADER_CHECK_H
#define PRECEPT_TESTS_HEADER_CHECK_H

#ifdef __cplusplus
extern "C" {
#endif

const char* precept_header_check_cpp(void);
/* From C99: the defaults precept_options_init gives, read back: 1 when they
 * are the documented ones. */
int precept_header_check_c(void);

#ifdef __cplusplus
}
#endif

#endif
