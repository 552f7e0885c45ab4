"""Reading and writing office files: spreadsheets read defensively (readers),
header rows found and mapped to fields (columns), tabular .xlsx written safely
(xlsxout), and the low-level docx styling of GB/T 9704 (docxstyle).
"""
