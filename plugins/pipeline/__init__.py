"""The sales pipeline plugin: the six-stage sales process of R6, from customer development to after-sales."""
