# Reference values for test_pooled_reference (tests/formulas/forecast/test_forecast.c): the
# pooled autoregression of formulas/forecast/pooled.c written out in R from its description,
# on the test's twelve series.  Run: Rscript tests/formulas/forecast/pooled_reference.R
# (R 4.2.2, base R only).
S <- 12; N <- 24; period <- 4; h <- 3; lambda <- 0.01
x <- lapply(0:(S - 1), function(i) {
  t <- 0:(N - 1)
  (10 + i) * (1 + 0.3 * sin(2 * pi * t / period)) * (1 + 0.05 * sin(1.7 * t + i))
})
base <- period; season <- period
window <- function(y, t, L) {          # the L values before 0-based index t, padded with y[1]
  idx <- (t - L):(t - 1)
  sapply(idx, function(k) if (k >= 0) y[k + 1] else y[1])
}
sum_fc <- matrix(0, S, h); models <- 0
for (k in 1:4) {
  L <- min(k * base, 120); sw <- min(season, L)
  Z <- NULL; Tg <- NULL
  for (i in 1:S) {
    y <- x[[i]]
    for (t in 1:(N - h)) {
      w <- window(y, t, L); s <- mean(w[(L - sw + 1):L])
      Z <- rbind(Z, c(1, log(w / s)))
      Tg <- rbind(Tg, log(y[(t + 1):(t + h)] / s))
    }
  }
  if (nrow(Z) < 10 * (L + 1)) break
  A <- t(Z) %*% Z + diag(c(0, rep(lambda * nrow(Z), L)))
  B <- solve(A, t(Z) %*% Tg)
  for (i in 1:S) {
    y <- x[[i]]; w <- window(y, N, L); s <- mean(w[(L - sw + 1):L])
    sum_fc[i, ] <- sum_fc[i, ] + s * exp(c(1, log(w / s)) %*% B)
  }
  models <- models + 1
}
cat(sprintf("models %d\n", models))
fc <- sum_fc / models
for (i in c(1, 6, 12)) cat(sprintf("series %d: %s\n", i - 1, paste(sprintf("%.12g", fc[i, ]), collapse = ", ")))
