"""The workflow from a CSV file to a trained model: reading, preparing, splitting, saving."""
