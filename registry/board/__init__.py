"""Board motions: eligible voters, recusals, votes, tallies and signed decision records."""
