"""Pages of the cooperation app, one module per mechanism (``common`` holds what they share,
``attachments`` the file downloads). Views collect input and call services; they never write
records themselves. ``urls.py`` names every page."""
