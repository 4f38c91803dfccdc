"""Label Studio tags: base classes (``base``), object tags (``objects``), control tags
(``controls``) and the name -> class registry (``registry``).

Kept empty on purpose: builders import ``tags.base`` while ``tags.controls`` imports builders,
so this package must not import its submodules eagerly.
"""
