/* Placeholder until the xlsx reader lands. */
#include "io/zipxml.h"

typedef int zipxml_unused;
