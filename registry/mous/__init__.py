"""The MOU register: parties, signatories, states, reviews and expiry."""
