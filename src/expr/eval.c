/* placeholder */ typedef int expr_eval_unused;
