"""Terms shared by the text and the table rules: units and persons, their roles, deadline years."""
