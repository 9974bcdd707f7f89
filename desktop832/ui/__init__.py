"""The Qt user interface: widgets bind fields to the domain and show findings; no rules here."""
