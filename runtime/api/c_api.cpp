// The C ABI for bundles, engines and evaluators: argument checks, then the
// C++ API, with every exception stopped here.
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <new>

#include "runtime/api/c_handles.hpp"
#include "runtime/api/internal.hpp"
#include "runtime/date.hpp"

using namespace precept;
using precept::capi::to_c;

static_assert(PRECEPT_INTERNAL_ERROR == static_cast<int>(ErrorKind::internal));
static_assert(PRECEPT_BAD_FACTS == static_cast<int>(ErrorKind::bad_facts));
static_assert(PRECEPT_INDETERMINATE == static_cast<int>(Outcome::indeterminate));
static_assert(PRECEPT_CRITICAL == static_cast<int>(Severity::critical));

namespace {

// Copies `message` into the caller's buffer, truncated to fit and NUL-terminated.
void write_message(char* buffer, std::size_t size, std::string_view message) {
  if (buffer == nullptr || size == 0) return;
  std::size_t n = std::min(message.size(), size - 1);
  std::memcpy(buffer, message.data(), n);
  buffer[n] = '\0';
}

precept_status fail(char* buffer, std::size_t size, const Status& status) {
  write_message(buffer, size, status.message());
  return to_c(status.kind());
}

// Hands a bundle to the caller in a new handle.
precept_status give(Result<Bundle> bundle, precept_bundle** out, char* error, std::size_t size) {
  if (!bundle) return fail(error, size, bundle.status());
  auto* handle = new (std::nothrow) precept_bundle{std::move(*bundle)};
  if (handle == nullptr)
    return fail(error, size, Status(ErrorKind::out_of_memory, "out of memory"));
  *out = handle;
  return PRECEPT_OK;
}

// The C options as the C++ ones; false with `error` set when they are unusable.
bool to_options(const precept_options* in, Options& out, std::string& error) {
  if (in == nullptr) return true;
  out.explain = in->explain != 0;
  if (in->now != nullptr) {
    std::optional<std::int64_t> days = runtime::parse_iso_date(in->now);
    if (!days) {
      error = fmt::format("the option `now` is `{}`, not a date: write YYYY-MM-DD", in->now);
      return false;
    }
    out.now = std::chrono::sys_days(std::chrono::days(*days));
  }
  out.fuel = in->fuel;
  out.max_entries = static_cast<std::size_t>(in->max_entries);
  out.max_fact_bytes = static_cast<std::size_t>(in->max_fact_bytes);
  out.max_fact_depth = static_cast<std::size_t>(in->max_fact_depth);
  return true;
}

LoadOptions load_options_from_c(const precept_load_options& in) {
  LoadOptions out;
  out.max_bundle_bytes = static_cast<std::size_t>(in.max_bundle_bytes);
  return out;
}

}  // namespace

extern "C" {

const char* precept_version_string(void) { return precept::version(); }

uint32_t precept_version(void) {
  // The library's own numbers, compiled in with it.
  return PRECEPT_VERSION;
}

const char* precept_status_name(precept_status status) {
  if (status < PRECEPT_OK || status > PRECEPT_INTERNAL_ERROR) return "unknown";
  return to_string(static_cast<ErrorKind>(status));
}

precept_status precept_options_init(precept_options* options) {
  if (options == nullptr) return PRECEPT_INVALID_ARGUMENT;
  Options defaults;
  options->explain = 0;
  options->now = nullptr;
  options->fuel = defaults.fuel;
  options->max_entries = defaults.max_entries;
  options->max_fact_bytes = defaults.max_fact_bytes;
  options->max_fact_depth = defaults.max_fact_depth;
  return PRECEPT_OK;
}

precept_status precept_load_options_init(precept_load_options* options) {
  if (options == nullptr) return PRECEPT_INVALID_ARGUMENT;
  options->max_bundle_bytes = LoadOptions{}.max_bundle_bytes;
  return PRECEPT_OK;
}

precept_status precept_bundle_load(const char* path, precept_bundle** out, char* error,
                                   size_t error_size) {
  precept_load_options defaults;
  precept_load_options_init(&defaults);
  return precept_bundle_load_with(path, &defaults, out, error, error_size);
}

precept_status precept_bundle_load_with(const char* path, const precept_load_options* options,
                                        precept_bundle** out, char* error, size_t error_size) {
  if (path == nullptr || options == nullptr || out == nullptr) {
    return fail(error, error_size, Status(ErrorKind::invalid_argument, "a null argument"));
  }
  try {
    return give(Bundle::load(std::filesystem::path(path), load_options_from_c(*options)), out,
                error, error_size);
  } catch (...) {  // making the path
    return fail(error, error_size, detail::status_from_current_exception());
  }
}

precept_status precept_bundle_from_bytes(const void* bytes, size_t size, precept_bundle** out,
                                         char* error, size_t error_size) {
  precept_load_options defaults;
  precept_load_options_init(&defaults);
  return precept_bundle_from_bytes_with(bytes, size, &defaults, out, error, error_size);
}

precept_status precept_bundle_from_bytes_with(const void* bytes, size_t size,
                                              const precept_load_options* options,
                                              precept_bundle** out, char* error,
                                              size_t error_size) {
  if ((bytes == nullptr && size != 0) || options == nullptr || out == nullptr) {
    return fail(error, error_size, Status(ErrorKind::invalid_argument, "a null argument"));
  }
  std::string_view data(bytes != nullptr ? static_cast<const char*>(bytes) : "", size);
  return give(Bundle::from_bytes(data, load_options_from_c(*options)), out, error, error_size);
}

precept_status precept_bundle_name(const precept_bundle* bundle, precept_string* out) {
  if (bundle == nullptr || out == nullptr) return PRECEPT_INVALID_ARGUMENT;
  *out = to_c(bundle->bundle.name());
  return PRECEPT_OK;
}

precept_status precept_bundle_version(const precept_bundle* bundle, precept_string* out) {
  if (bundle == nullptr || out == nullptr) return PRECEPT_INVALID_ARGUMENT;
  *out = to_c(bundle->bundle.version());
  return PRECEPT_OK;
}

void precept_bundle_free(precept_bundle* bundle) { delete bundle; }

precept_status precept_engine_new(const precept_bundle* bundle, precept_engine** out) {
  if (bundle == nullptr || out == nullptr || bundle->bundle.empty()) {
    return PRECEPT_INVALID_ARGUMENT;
  }
  auto* handle = new (std::nothrow) precept_engine{Engine(bundle->bundle)};
  // The engine's constructor reports running out of memory by having no bundle.
  if (handle == nullptr || handle->engine.bundle().empty()) {
    delete handle;
    return PRECEPT_OUT_OF_MEMORY;
  }
  *out = handle;
  return PRECEPT_OK;
}

precept_status precept_engine_reload(precept_engine* engine, const precept_bundle* bundle) {
  if (engine == nullptr || bundle == nullptr) return PRECEPT_INVALID_ARGUMENT;
  return to_c(engine->engine.reload(bundle->bundle).kind());
}

void precept_engine_free(precept_engine* engine) { delete engine; }

precept_status precept_evaluator_new(const precept_engine* engine, precept_evaluator** out) {
  if (engine == nullptr || out == nullptr) return PRECEPT_INVALID_ARGUMENT;
  auto* handle = new (std::nothrow) precept_evaluator{engine->engine.evaluator(), {}};
  if (handle == nullptr) return PRECEPT_OUT_OF_MEMORY;
  *out = handle;
  return PRECEPT_OK;
}

precept_status precept_evaluate(precept_evaluator* evaluator, const char* facts_json, size_t size,
                                const precept_options* options, precept_decision* decision) {
  if (evaluator == nullptr) return PRECEPT_INVALID_ARGUMENT;
  std::string& error = evaluator->error;
  try {
    error.clear();
    if (decision == nullptr || (facts_json == nullptr && size != 0)) {
      error = "a null argument";
      return PRECEPT_INVALID_ARGUMENT;
    }
    Options cpp_options;
    if (!to_options(options, cpp_options, error)) return PRECEPT_INVALID_ARGUMENT;
    std::string_view facts(facts_json != nullptr ? facts_json : "", size);
    Status status = evaluator->evaluator.evaluate(facts, cpp_options, decision->decision);
    if (!status) error = status.message();
    return to_c(status.kind());
  } catch (...) {
    // Only copying a message can get here; "out of memory" needs no allocation.
    error = "out of memory";
    return PRECEPT_OUT_OF_MEMORY;
  }
}

const char* precept_evaluator_error(const precept_evaluator* evaluator) {
  return evaluator != nullptr ? evaluator->error.c_str() : "";
}

void precept_evaluator_free(precept_evaluator* evaluator) { delete evaluator; }

}  // extern "C"
