"""`python main.py batch`: many videos on Ray, locally or on a cluster, with the same results as `process`.

One concept per module:

- :mod:`inputs`    which files INPUTS (files, folders, globs) name;
- :mod:`layout`    where each video's exports go in the output folder (unique names);
- :mod:`manifest`  what was done with which options, so that a rerun skips it;
- :mod:`cluster`   joining or starting Ray, and how many workers of what size;
- :mod:`worker`    the Ray actor that loads the models once and runs many videos;
- :mod:`progress`  frame counts from the workers to one terminal bar;
- :mod:`driver`    hands videos to workers, records results, stops cleanly on Ctrl+C;
- :mod:`summary`   the final tables;
- :mod:`cli`       the command line (the door).

Scripts: :mod:`bench` (throughput with 1 and 2 local workers) and :mod:`two_node_check` (a
two-node cluster simulated on this machine with ``ray start``, see :mod:`local_cluster`, which the
tests use too); :mod:`sample_clips` cuts the short clips they use. Docs: docs/scale.md.
"""
