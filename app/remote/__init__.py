"""Other machines' access: helpers' secrets, join lines, certificates and the broker ACL."""
