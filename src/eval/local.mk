# src/eval/local.mk - eval: protocols, ISO/IEC 19795-1 metrics, gates.
