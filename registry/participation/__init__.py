"""What partnerships do: meetings and hours, surveys, flags and certificates."""
