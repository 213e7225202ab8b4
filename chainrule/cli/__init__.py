"""The chainrule command line."""
