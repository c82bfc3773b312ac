# R's ets and thetaf on the TRAINING holdouts that chose worldsheet's settings (fc_tune):
# the last h values of each training series are held out and the rest is forecast, so
# their OWA sits beside the job's there (FC_JOB=1 fc_tune SET).  No test file is read.
#
# Usage: [FC_BACK=B] Rscript bench/forecast/r_holdout.R SET [SET...]
# FC_BACK=B holds out the h values before the last B × h (an earlier origin, as fc_tune).
# Prints per set: R ets and R thetaf OWA against Naive2 (as M4's benchmark code: the 90%
# autocorrelation test at lag m on series of 3m values or more, classical multiplicative
# decomposition), MASE scaled by the seasonal naive at the frequency column's period.
suppressPackageStartupMessages(library(forecast))

seasonal <- function(x, m) {
  if (m <= 1 || length(x) < 3 * m) return(FALSE)
  r <- acf(x, plot = FALSE)$acf[-1]
  if (length(r) < m) return(FALSE)
  lim <- 1.645 / sqrt(length(x)) * sqrt(cumsum(c(1, 2 * r^2)))
  abs(r[m]) > lim[m]
}

naive2 <- function(x, m, h) {
  if (!seasonal(x, m)) return(rep(x[length(x)], h))
  idx <- decompose(ts(x, frequency = m), type = "multiplicative")$figure
  n <- length(x)
  si <- idx[((seq_len(n) - 1) %% m) + 1]
  sf <- idx[((n + seq_len(h) - 1) %% m) + 1]
  rep(x[n] / si[n], h) * sf
}

data_dir <- Sys.getenv("WS_SHARED_DATA", "../shared/data")
back <- as.integer(Sys.getenv("FC_BACK", "0"))
for (set in commandArgs(TRUE)) {
  lines <- readLines(file.path(data_dir, "forecast", paste0(set, "_train.csv")))[-1]
  sm <- c(0, 0, 0); ms <- c(0, 0, 0); used <- 0
  for (l in lines) {
    p <- strsplit(l, ",")[[1]]
    m <- as.integer(p[2]); h <- as.integer(p[3])
    y <- as.numeric(p[-(1:3)]); y <- y[!is.na(y)]
    y <- y[seq_len(max(length(y) - back * h, 0))]
    if (length(y) < h + 3) next
    nt <- length(y) - h; x <- y[1:nt]; a <- y[(nt + 1):length(y)]
    tx <- ts(x, frequency = max(m, 1))
    f <- list(as.numeric(forecast(ets(tx), h)$mean), as.numeric(thetaf(tx, h)$mean),
              naive2(x, m, h))
    lag <- if (m >= 2 && nt > m) m else 1
    sc <- mean(abs(x[(lag + 1):nt] - x[1:(nt - lag)]))
    for (i in 1:3) {  # as fc_tune: 0 for 0 / 0, no MASE for a constant history
      d <- abs(a) + abs(f[[i]])
      sm[i] <- sm[i] + mean(ifelse(d > 0, 200 * abs(a - f[[i]]) / d, 0))
      if (sc > 0) ms[i] <- ms[i] + mean(abs(a - f[[i]])) / sc
    }
    used <- used + 1
  }
  owa <- 0.5 * (sm / sm[3] + ms / ms[3])
  cat(sprintf("%-18s holdout OWA: R ets %.4f, R thetaf %.4f (%d series)\n", set, owa[1],
              owa[2], used))
}
