/* placeholder */ typedef int eval_unused;
