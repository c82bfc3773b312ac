/* placeholder */ typedef int expr_parser_unused;
