/* The one list of formula families and jobs.  Help, the CLI, the Calc add-in and the docs
 * are generated from it; adding a family here is all it takes to publish it. */
#include "registry.h"

extern const formula_family describe_family;
extern const formula_family forecast_family;
extern const formula_family simulate_family;
extern const formula_family text_family;

const formula_family *const formula_families[] = {
    &forecast_family,
    &simulate_family,
    &text_family,
    &describe_family,
};
const size_t formula_family_count = sizeof formula_families / sizeof formula_families[0];

extern const job_def forecast_job;
extern const job_def simulate_job;
extern const job_def plan_job;
extern const job_def summarize_job;

const job_def *const job_defs[] = {
    &forecast_job,
    &simulate_job,
    &plan_job,
    &summarize_job,
};
const size_t job_def_count = sizeof job_defs / sizeof job_defs[0];
