// Compiled with the public include folders only (no project root, no
// internal headers): the installed headers must stand alone, and must not
// bring PEGTL, simdjson or nlohmann into a host's translation units.
#include <precept/precept.h>
#include <precept/precept.hpp>

#if defined(TAO_PEGTL_VERSION) || defined(SIMDJSON_VERSION) || defined(NLOHMANN_JSON_VERSION_MAJOR)
#error "a public header includes PEGTL, simdjson or nlohmann"
#endif

#include "header_check.h"

// Something for the test to call, so this file is linked and not just compiled.
extern "C" const char* precept_header_check_cpp(void) { return PRECEPT_VERSION_STRING; }
