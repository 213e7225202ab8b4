"""autograd.scipy: chainrule.scipy's modules, SciPy's for names they lack."""
