/* Decides one facts document with a bundle built by `rulec build`:
 * Precept's C ABI.
 *
 *   decide_c BUNDLE.rbc FACTS.json
 *   cc -std=c99 decide.c $(pkg-config --cflags --libs precept) -o decide_c
 *
 * Prints the bundle, the outcome, and each violation and review. */
#include <precept/precept.h>

#include <stdio.h>
#include <stdlib.h>

/* The whole file, or NULL; `size` receives its length. */
static char* read_file(const char* path, size_t* size) {
  FILE* file = fopen(path, "rb");
  char* text = NULL;
  size_t capacity = 0;
  *size = 0;
  if (file == NULL) return NULL;
  for (;;) {
    if (*size == capacity) {
      char* bigger = realloc(text, capacity = capacity * 2 + 4096);
      if (bigger == NULL) break;
      text = bigger;
    }
    size_t n = fread(text + *size, 1, capacity - *size, file);
    *size += n;
    if (n == 0) break;
  }
  if (ferror(file)) {
    free(text);
    text = NULL;
  }
  fclose(file);
  return text;
}

static void print_entries(const precept_decision* decision, precept_list list, const char* verb) {
  size_t count = 0;
  size_t i;
  precept_decision_count(decision, list, &count);
  for (i = 0; i < count; ++i) {
    precept_entry entry;
    if (precept_decision_entry(decision, list, i, &entry) != PRECEPT_OK) continue;
    printf("%s %.*s: %.*s\n", verb, (int)entry.rule.size, entry.rule.data, (int)entry.message.size,
           entry.message.data);
  }
}

int main(int argc, char** argv) {
  char error[512];
  precept_bundle* bundle = NULL;
  precept_engine* engine = NULL;
  precept_evaluator* evaluator = NULL;
  precept_decision* decision = NULL;
  precept_options options;
  precept_outcome outcome;
  precept_string name, version;
  size_t size = 0;
  char* facts;
  int status = 2;

  if (argc != 3) {
    fprintf(stderr, "usage: decide_c BUNDLE.rbc FACTS.json\n");
    return 2;
  }
  if (precept_bundle_load(argv[1], &bundle, error, sizeof error) != PRECEPT_OK) {
    fprintf(stderr, "decide_c: %s\n", error);
    return 2;
  }
  facts = read_file(argv[2], &size);
  if (facts == NULL) {
    fprintf(stderr, "decide_c: cannot read `%s`\n", argv[2]);
    precept_bundle_free(bundle);
    return 2;
  }
  /* One engine per process, shared by threads; one evaluator per thread. */
  if (precept_engine_new(bundle, &engine) != PRECEPT_OK ||
      precept_evaluator_new(engine, &evaluator) != PRECEPT_OK ||
      precept_decision_new(&decision) != PRECEPT_OK) {
    fprintf(stderr, "decide_c: out of memory\n");
    goto done;
  }
  precept_options_init(&options);
  if (precept_evaluate(evaluator, facts, size, &options, decision) != PRECEPT_OK) {
    fprintf(stderr, "decide_c: %s\n", precept_evaluator_error(evaluator));
    goto done;
  }
  precept_decision_bundle(decision, &name, &version);
  precept_decision_outcome(decision, &outcome);
  printf("bundle: %.*s %.*s\n", (int)name.size, name.data, (int)version.size, version.data);
  printf("outcome: %s\n", outcome == PRECEPT_DENY     ? "deny"
                          : outcome == PRECEPT_REVIEW ? "review"
                          : outcome == PRECEPT_ALLOW  ? "allow"
                                                      : "indeterminate");
  print_entries(decision, PRECEPT_VIOLATIONS, "deny");
  print_entries(decision, PRECEPT_REVIEWS, "review");
  status = 0;

done:
  precept_decision_free(decision);
  precept_evaluator_free(evaluator);
  precept_engine_free(engine);
  precept_bundle_free(bundle);
  free(facts);
  return status;
}
