"""Programs for the project's developers, outside the layers: nothing in the terminal imports
them, and they are not installed with it."""
