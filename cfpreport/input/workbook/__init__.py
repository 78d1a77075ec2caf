"""Studies in an Excel workbook: the same contract as the study file, as tidy tables.

One row per record, the header row holding study-file key paths (``company.contact.phone``),
every sheet but ``reports`` starting with ``report.number`` so that one workbook holds
many reports (README, "Spreadsheets"). The modules, in the order a workbook goes through:

- :mod:`.layout`: the sheets and their columns, derived from the study model;
- :mod:`.reading`: a workbook -> for each report, the nested data a study file gives,
  with every field's cell, validated by :mod:`cfpreport.input.loading` like YAML;
- :mod:`.cells`: the cell each problem is in (``book.xlsx!activities!D14 amount: ...``);
- :mod:`.writing`: studies (or none: the template) -> a documented workbook;
- :mod:`.instructions`: what the instructions sheet and the header notes say.
"""
