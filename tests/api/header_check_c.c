/* precept.h as a C99 program sees it: compiled with -std=c99 -pedantic and
 * warnings as errors, with the public include folder only. */
#include <precept/precept.h>

#include "header_check.h"

int precept_header_check_c(void) {
  precept_options options;
  precept_string name = {0, 0};
  if (precept_options_init(&options) != PRECEPT_OK) return 0;
  if (precept_bundle_name(NULL, &name) != PRECEPT_INVALID_ARGUMENT) return 0;
  return options.explain == 0 && options.now == NULL && options.fuel == 50000000u &&
         options.max_entries == 100000u && options.max_fact_depth == 64u &&
         precept_version() == PRECEPT_VERSION;
}
