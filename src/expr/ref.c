/* placeholder */ typedef int expr_ref_unused;
