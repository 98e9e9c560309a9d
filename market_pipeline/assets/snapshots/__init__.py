"""The snapshot assets: company, sector and macro reviews with written summaries."""
