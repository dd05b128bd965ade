package dev.accord.ctl;

/** How results are printed: aligned tables for people, one JSON document for scripts. */
enum Format {
  table,
  json
}
