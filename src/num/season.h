/* Seasonal period detection, shared by forecasting, DESCRIBE and the world model. */
#ifndef WS_NUM_SEASON_H
#define WS_NUM_SEASON_H

#include <stddef.h>

/* The seasonal period of a series (NaN entries are missing values), or 0 when no period
 * is significant.  Deterministic. */
size_t season_detect(const double *y, size_t n);

#endif
