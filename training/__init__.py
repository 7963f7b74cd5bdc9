"""The recipes that build what the package ships: the default model, its card, the corpus card."""
