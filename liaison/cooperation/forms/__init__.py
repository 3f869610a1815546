"""Forms of the cooperation pages, one module per mechanism (``common`` holds the widgets
and helpers they share). They only collect input; services check and write."""
