/* A tiny test harness: CHECK-style assertions that count, and a summary line.
 *
 *     int main(void) {
 *         CHECK(1 + 1 == 2);
 *         CHECK_NEAR(sqrt(2.0), 1.41421356, 1e-8);
 *         CHECK_STR(ws_status_str(WS_OK), "ok");
 *         return check_summary("core");
 *     }
 *
 * Each executable prints "NAME: N passed, M failed" and exits 1 when any check failed
 * (77 means skipped, for meson). */
#ifndef WS_TESTS_CHECK_H
#define WS_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (cond) {                                                                        \
            check_passed++;                                                                \
        } else {                                                                           \
            check_failed++;                                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);        \
        }                                                                                  \
    } while (0)

#define CHECK_NEAR(got, want, tol)                                                         \
    do {                                                                                   \
        double check_g_ = (got), check_w_ = (want);                                        \
        if (fabs(check_g_ - check_w_) <= (tol)) {                                          \
            check_passed++;                                                                \
        } else {                                                                           \
            check_failed++;                                                                \
            fprintf(stderr, "%s:%d: %s = %.17g, want %.17g (tol %g)\n", __FILE__, __LINE__, \
                    #got, check_g_, check_w_, (double)(tol));                              \
        }                                                                                  \
    } while (0)

#define CHECK_STR(got, want)                                                               \
    do {                                                                                   \
        const char *check_g_ = (got), *check_w_ = (want);                                  \
        if (check_g_ && check_w_ && strcmp(check_g_, check_w_) == 0) {                     \
            check_passed++;                                                                \
        } else {                                                                           \
            check_failed++;                                                                \
            fprintf(stderr, "%s:%d: %s = \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got,  \
                    check_g_ ? check_g_ : "(null)", check_w_ ? check_w_ : "(null)");       \
        }                                                                                  \
    } while (0)

/* The status of an expression, with the library's reason on failure. */
#define CHECK_OK(expr)                                                                     \
    do {                                                                                   \
        ws_status check_s_ = (expr);                                                       \
        if (check_s_ == WS_OK) {                                                           \
            check_passed++;                                                                \
        } else {                                                                           \
            check_failed++;                                                                \
            fprintf(stderr, "%s:%d: %s failed: %s (%s)\n", __FILE__, __LINE__, #expr,      \
                    ws_status_str(check_s_), ws_last_reason());                           \
        }                                                                                  \
    } while (0)

static inline int
check_summary(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, check_passed, check_failed);
    return check_failed ? 1 : 0;
}

#endif
