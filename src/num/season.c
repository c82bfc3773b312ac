/* Placeholder until the forecasting issue lands its significance test. */
#include "num/season.h"

size_t
season_detect(const double *y, size_t n)
{
    (void)y;
    (void)n;
    return 0;
}
