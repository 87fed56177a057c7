#include "check.h"

int check_failures_in_case;
int check_cases_failed;
const char *check_binary_name = "?";
