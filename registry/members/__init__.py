"""The association's member register: its members' records as its membership system exports them."""
