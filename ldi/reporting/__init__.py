"""Tables and text that present results to people and to other programs."""
