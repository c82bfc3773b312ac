# Baselines from R's forecast package for bench/forecast/fcbench.
#
# Usage: Rscript r_baseline.R SET METHOD [SUBSET_N] [OUT_DIR] [DATA_DIR] [LIMIT]
#   SET      a set of ../shared/data/forecast, e.g. m3_monthly
#   METHOD   thetaf | ets | auto.arima
#   SUBSET_N forecast only SUBSET_N series evenly spaced over the set (0 = all); the
#            benchmark then scores the row on those series only and marks it as a subset
#   OUT_DIR  default bench/forecast/baselines (relative to the repo root)
#   DATA_DIR default $WS_SHARED_DATA/forecast, else ../shared/data/forecast
#   LIMIT    only the first LIMIT series (development; 0 = all)
#
# Writes OUT_DIR/SET.METHOD.csv.gz: a header of "# key: value" comments (R and forecast
# versions, date, command), then one row per series and kind:
#   id,kind,ms,cpu_ms,v1..vh      kind = mean, lo80, hi80, lo95, hi95
# ms is the elapsed wall time of the fit plus forecast of that series (same on every kind),
# cpu_ms the CPU time of the R process for it (the machine is shared, so wall time depends on
# the load); the seasonal period is the set's frequency column, as for worldsheet.  A series
# whose fit fails gets the naive forecast (rwf), counted in the "# failed" footer, so a
# failure is visible, never silent.
suppressPackageStartupMessages(library(forecast))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) stop("usage: r_baseline.R SET METHOD [SUBSET_N] [OUT_DIR] [DATA_DIR] [LIMIT]")
set <- args[1]
method <- args[2]
subset_n <- if (length(args) >= 3) as.integer(args[3]) else 0L
out_dir <- if (length(args) >= 4 && nzchar(args[4])) args[4] else "bench/forecast/baselines"
data_dir <- if (length(args) >= 5 && nzchar(args[5])) args[5] else {
  env <- Sys.getenv("WS_SHARED_DATA")
  if (nzchar(env)) file.path(env, "forecast") else "../shared/data/forecast"
}
limit <- if (length(args) >= 6) as.integer(args[6]) else 0L

lines <- readLines(file.path(data_dir, paste0(set, "_train.csv")))[-1]
if (limit > 0 && limit < length(lines)) lines <- lines[seq_len(limit)]
nser <- length(lines)
pick <- seq_len(nser)
if (subset_n > 0 && subset_n < nser) {
  # Evenly spaced, so a subset spans every type of series in the set (ids are grouped
  # by type), and the C side can rebuild it: index floor(i * nser / subset_n), 0-based.
  pick <- floor((0:(subset_n - 1)) * nser / subset_n) + 1
}

dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
out_path <- file.path(out_dir, paste0(set, ".", method, ".csv.gz"))
tmp_path <- paste0(out_path, ".part")
# Each piece is its own gzip member, appended and closed at once (zcat reads them all as
# one stream): a run that is stopped keeps every series it finished in the .part file, and
# RESUME=1 continues it (the series already there are skipped, the header is kept).
resume <- Sys.getenv("RESUME") == "1" && file.exists(tmp_path)
done_ids <- character(0)
if (resume) {
  con <- gzfile(tmp_path)
  kept <- readLines(con)
  close(con)
  done_ids <- unique(sub(",.*", "", kept[!startsWith(kept, "#") & !startsWith(kept, "id,")]))
} else {
  unlink(tmp_path)
}
emit <- function(...) {
  con <- gzfile(tmp_path, "a")
  cat(..., file = con, sep = "")
  close(con)
}
fmt <- function(x) paste(sprintf("%.10g", x), collapse = ",")
if (!resume)
  emit(sprintf("# set: %s\n# method: %s (forecast::%s, level = c(80, 95))\n", set, method,
               method),
     sprintf("# R: %s\n# forecast: %s\n# date: %s\n", R.version.string,
             as.character(packageVersion("forecast")), format(Sys.time(), "%Y-%m-%d %H:%M %Z")),
     sprintf("# series: %d of %d%s\n", length(pick), nser,
             if (length(pick) < nser) " (evenly spaced subset)" else ""),
     sprintf("# command: Rscript bench/forecast/r_baseline.R %s %s %d\n", set, method, subset_n),
     "id,kind,ms,cpu_ms,values...\n")

failed <- 0L
total_ms <- 0
ran <- 0L
for (k in pick) {
  parts <- strsplit(lines[k], ",", fixed = TRUE)[[1]]
  id <- parts[1]
  if (id %in% done_ids) next
  freq <- as.integer(parts[2])
  h <- as.integer(parts[3])
  y <- ts(as.numeric(parts[-(1:3)]), frequency = freq)
  set.seed(20240601 + k)
  t0 <- proc.time()
  fc <- tryCatch({
    if (method == "thetaf") {
      thetaf(y, h = h, level = c(80, 95))
    } else if (method == "ets") {
      forecast(ets(y), h = h, level = c(80, 95))
    } else if (method == "auto.arima") {
      forecast(auto.arima(y), h = h, level = c(80, 95))
    } else {
      stop("unknown method ", method)
    }
  }, error = function(e) NULL)
  dt <- proc.time() - t0
  ms <- 1000 * dt[["elapsed"]]
  cpu_ms <- 1000 * (dt[["user.self"]] + dt[["sys.self"]])
  if (is.null(fc)) {
    failed <- failed + 1L
    fc <- rwf(y, h = h, level = c(80, 95))
  }
  total_ms <- total_ms + ms
  ran <- ran + 1L
  ms_txt <- sprintf("%.6g,%.6g", ms, cpu_ms)
  rows <- list(mean = fc$mean, lo80 = fc$lower[, 1], hi80 = fc$upper[, 1],
               lo95 = fc$lower[, 2], hi95 = fc$upper[, 2])
  emit(paste0(id, ",", names(rows), ",", ms_txt, ",",
              vapply(rows, function(r) fmt(as.numeric(r)), ""), "\n", collapse = ""))
}
emit(sprintf("# failed: %d (naive forecast used)\n# mean ms: %.3f%s\n", failed,
             total_ms / max(ran, 1L), if (resume) " (of the series this run fitted)" else ""))
invisible(file.rename(tmp_path, out_path))
cat(sprintf("%s %s: %d series, %d failed, %.1f ms/series -> %s\n", set, method, ran,
            failed, total_ms / max(ran, 1L), out_path))
