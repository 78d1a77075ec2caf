"""What a study workbook tells the people who fill it in: Chinese first, then English.

The instructions sheet lists every sheet and column with these texts, and each header
cell carries its column's as a note. A test checks that every column has one.
"""

from __future__ import annotations

TITLE = ("cfpreport 产品碳足迹研究数据工作簿", "cfpreport study workbook")

GENERAL: list[tuple[str, str]] = [
    ("每个工作表的第 1 行是列名（研究文件的键路径，如 company.contact.phone），请勿修改；从第 2 "
     "行起每行一条记录。橙色列名为必填项。",
     "Row 1 of each sheet holds the column names (the study file's key paths, such as "
     "company.contact.phone): do not change them. From row 2 on, one row per record. "
     "Orange column names are required."),
    ("一个工作簿可包含多份报告：reports 工作表每行一份报告；其他工作表的第一列 report.number "
     "说明该行属于哪份报告。",
     "One workbook holds many reports: one row per report in the reports sheet; in every "
     "other sheet the first column, report.number, says which report a row is for."),
    ("空单元格表示“未填写”，报告使用默认值。",
     "An empty cell means \"not given\": the report uses the default."),
    ("列表（report.standards、study.recommendations 等）写在一个单元格内，每行一项（单元格内"
     "换行：Alt+Enter）。",
     "A list (report.standards, study.recommendations, ...) is one cell, one item per line "
     "(a line break in a cell: Alt+Enter)."),
    ("日期填 Excel 日期或 YYYY-MM-DD 文本。factors 的 published、verified_on 可只写到月或年"
     "（2026-01、2025），这两列为文本格式。",
     "Dates are Excel dates or YYYY-MM-DD text. A factor's published and verified_on may "
     "be known to the month or year only (2026-01, 2025); these columns are text."),
    ("数字按输入的值读取（17.2348 即 17.2348），不要加千位分隔符或单位。文本列已设为文本格式，"
     "以免 Excel 改写编号和型号（如 0012、2.50）。",
     "Numbers are read as typed (17.2348 stays 17.2348); write no digit separators or "
     "units in them. Text columns are formatted as text, so that Excel keeps ids and "
     "models such as 0012 or 2.50 as typed."),
    ("图片路径相对于本工作簿所在的文件夹（如 images/zw32.jpg）。",
     "Image paths are relative to this workbook's folder (e.g. images/zw32.jpg)."),
    ("下拉列表（阶段、分配基准、数据类型、单位、排放因子）来自隐藏的 lists 工作表；排放因子和"
     "单位列也接受列表以外的值（如 factors 工作表中自定义的因子）。",
     "The drop-down lists (stages, bases, data types, units, factors) come from the hidden "
     "lists sheet; the factor and unit columns also take other values (such as a factor "
     "defined in the factors sheet)."),
    ("检查：cfpreport validate book.xlsx，每个问题给出单元格，如 "
     "book.xlsx!activities!D14 amount: must be >= 0。生成报告：cfpreport build book.xlsx -o out。"
     "转换为研究文件：cfpreport convert book.xlsx -o studies。",
     "Check: cfpreport validate book.xlsx names the cell of each problem, e.g. "
     "book.xlsx!activities!D14 amount: must be >= 0. Build: cfpreport build book.xlsx -o out. "
     "As study files: cfpreport convert book.xlsx -o studies."),
]

SHEETS: dict[str, tuple[str, str]] = {
    "reports": ("每行一份报告：报告信息、企业信息和研究范围。",
                "One row per report: the report, the company and the study's scope."),
    "team": ("评价组成员，每行一人（附件 1 和摘要页签名栏）。",
             "The assessment team, one person per row (annex 1, the summary sheet's "
             "signatures)."),
    "stages": ("各生命周期阶段包含和不包含的过程（表 3.1），每行一个阶段。",
               "What each life-cycle stage includes and excludes (table 3.1), one row per "
               "stage."),
    "products": ("报告涵盖的产品，每行一个。", "The report's products, one per row."),
    "activities": ("活动数据，每行一条；product 填 products 工作表中的产品 id。",
                   "Activity data, one row each; product is the product's id from the "
                   "products sheet."),
    "factors": ("研究自定义的排放因子，或覆盖因子集中同 id 的因子，每行一个。",
                "Study factors (or overrides of the set's factor with the same id), one "
                "per row."),
}

_NUMBER = ("报告编号（该行所属的报告）", "Report number (the report this row is for)")

COLUMNS: dict[tuple[str, str], tuple[str, str]] = {
    ("reports", "report.number"): ("报告编号，必填，用于文件名", "Report number; required, "
                                   "names the files"),
    ("reports", "report.title"): ("报告标题，默认“产品碳足迹报告”", "Report title"),
    ("reports", "report.issued"): ("签发日期", "Date of issue"),
    ("reports", "report.revision"): ("版次，默认 1；2 起文件名带 -R2", "Revision, default 1; "
                                     "from 2 on the files are named NUMBER-R2"),
    ("reports", "report.revision_reason"): ("换版原因（版本变更说明中列出）", "Why this "
                                            "revision was issued (in the revision history)"),
    ("reports", "report.previous"): ("被替代报告的结果 JSON 或正式版 PDF（相对本工作簿）",
                                     "Results JSON or final PDF of the report this revision "
                                     "replaces (relative to this workbook)"),
    ("reports", "report.status"): (
        "draft（草稿，带水印）或 final（正式，可签名：须填编制人、带证书编号的组长、法定代表人）；"
        "不填时缺这些即按草稿生成",
        "draft (watermarked) or final (signable: needs prepared_by, a team leader with a "
        "certificate number, the legal representative); left empty, a report lacking them "
        "is built as a draft"),
    ("reports", "report.language"): ("报告语言：zh 或 en", "Language of the report: zh or en"),
    ("reports", "report.style"): ("机构样式文件夹（相对本工作簿）", "House-style folder "
                                  "(relative to this workbook)"),
    ("reports", "report.standards"): ("依据标准，每行一项；留空用默认两项", "Standards, one "
                                      "per line; empty: the default two"),
    ("reports", "report.issuer.name"): ("出具报告的机构", "The issuing body"),
    ("reports", "report.prepared_by"): ("报告编制人", "Prepared by"),
    ("reports", "report.site_days"): ("现场核查天数", "Days on site"),
    ("reports", "company.name"): ("委托企业名称", "The company's name"),
    ("reports", "company.address"): ("企业地址", "Address"),
    ("reports", "company.legal_representative"): ("法定代表人", "Legal representative"),
    ("reports", "company.contact.name"): ("联系人", "Contact person"),
    ("reports", "company.contact.phone"): ("联系电话（文本）", "Contact phone (text)"),
    ("reports", "company.founded"): ("成立日期", "Date founded"),
    ("reports", "company.overview"): ("企业概况，段落之间空一行", "Overview; paragraphs "
                                      "separated by a blank line"),
    ("reports", "company.introduction"): ("企业简介，段落之间空一行", "Introduction; "
                                          "paragraphs separated by a blank line"),
    ("reports", "company.images.overview"): ("企业照片路径", "Company photo (path)"),
    ("reports", "company.images.layout"): ("厂区平面图路径", "Site layout (path)"),
    ("reports", "company.credit_code"): ("统一社会信用代码（18 位），PACT 文件用", "Unified "
                                         "social credit code (18 characters), for PACT files"),
    ("reports", "company.country"): ("工厂所在国家/地区代码（ISO 3166-1），默认 CN", "Country of "
                                     "the plant (ISO 3166-1 code), default CN"),
    ("reports", "study.period.start"): ("数据期开始日期", "Start of the data period"),
    ("reports", "study.period.end"): ("数据期结束日期", "End of the data period"),
    ("reports", "study.boundary"): ("系统边界：cradle-to-grave 或 cradle-to-gate",
                                    "System boundary"),
    ("reports", "study.gwp"): ("GWP 值来源：AR4、AR5 或 AR6", "GWP values: AR4, AR5 or AR6"),
    ("reports", "study.factor_set"): ("排放因子集（如 cn-2024）或因子集文件", "Factor set "
                                      "(e.g. cn-2024) or a set file"),
    ("reports", "study.unit"): ("结果单位：t（tCO2e）或 kg（kgCO2e）", "Unit of results: "
                                "t or kg of CO2e"),
    ("reports", "study.decimals"): ("阶段结果的小数位数（0-8）", "Decimals of stage values "
                                    "(0-8)"),
    ("reports", "study.shares"): ("占比算法：shown-values 或 largest-remainder",
                                  "How shares are computed"),
    ("reports", "study.allocation"): ("分配方法说明", "The allocation, in words"),
    ("reports", "study.recommendations"): ("改进建议，每行一条；留空用默认", "Recommendations, "
                                           "one per line; empty: the default"),
    ("reports", "study.intended_application"): ("研究的预期用途，每行一项", "Intended "
                                                "applications, one per line"),
    ("reports", "study.intended_audience"): ("目标受众", "Intended audience"),
    ("reports", "study.pcr"): ("采用的产品类别规则（或“无”）", "Product category rules used "
                               "(or none)"),
    ("reports", "study.critical_review"): ("鉴定性评审（或“未进行鉴定性评审”）",
                                           "Critical review, by whom (or none)"),
    ("reports", "study.biogenic_carbon"): ("生物源碳的说明", "Biogenic carbon"),
    ("reports", "study.land_use_change"): ("土地利用变化的说明", "Land use change"),
    ("reports", "study.aircraft_emissions"): ("航空运输排放的说明", "Aircraft emissions"),
    ("reports", "study.electricity"): ("电力处理的补充说明（如绿电）", "More on electricity "
                                       "(e.g. green power)"),
    ("reports", "study.value_choices"): ("补充的价值选择，每行一项", "Added value choices, "
                                         "one per line"),
    ("reports", "study.limitations"): ("补充的局限性，每行一项", "Added limitations, one per "
                                       "line"),
    ("reports", "study.conclusions"): ("补充的结论，每行一项", "Added conclusions, one per "
                                       "line"),
    ("reports", "study.uncertainty.runs"): ("蒙特卡罗模拟次数，默认 10000", "Monte Carlo "
                                            "runs, default 10000"),
    ("reports", "study.uncertainty.seed"): ("随机数种子，默认 14067（相同种子结果相同）",
                                            "Random seed, default 14067 (same seed, same "
                                            "numbers)"),
    ("reports", "study.grid_region"): ("工厂所在区域电网：north 华北、northeast 东北、east 华东、"
                                       "central 华中、northwest 西北、south 南方、southwest 西南",
                                       "The plant's regional grid, for the regional-grid "
                                       "scenario"),
    ("team", "report.number"): _NUMBER,
    ("team", "name"): ("姓名", "Name"),
    ("team", "role"): ("角色，默认“组员”", "Role, default 组员 (member)"),
    ("team", "organization"): ("所在机构", "Organization"),
    ("team", "certificate"): ("证书编号", "Certificate number"),
    ("stages", "report.number"): _NUMBER,
    ("stages", "stage"): ("生命周期阶段（下拉列表）", "Life-cycle stage (drop-down list)"),
    ("stages", "included"): ("该阶段包含的过程", "Processes included"),
    ("stages", "excluded"): ("不包含的过程，或阶段为空的原因", "Processes excluded, or why "
                             "the stage is empty"),
    ("products", "report.number"): _NUMBER,
    ("products", "id"): ("产品 id：字母、数字、- _ .，用于文件名和 activities 的 product 列",
                         "Product id: letters, digits, - _ .; names files and is the "
                         "activities' product"),
    ("products", "name"): ("产品名称", "Product name"),
    ("products", "model"): ("型号（文本）", "Model (text)"),
    ("products", "functional_unit"): ("功能单位，默认“1 台”", "Functional unit, default 1 台"),
    ("products", "reference_flow"): ("基准流", "Reference flow"),
    ("products", "annual_output"): ("数据期内产量（功能单位数）；basis 为 annual 时必填",
                                    "Units produced in the period; needed for basis annual"),
    ("products", "mass_kg"): ("单位产品质量 kg（按质量分配情景用）", "Mass of one unit in "
                              "kg (for the allocation-by-mass scenario)"),
    ("products", "functions"): ("产品功能，段落之间空一行", "Functions; paragraphs "
                                "separated by a blank line"),
    ("products", "process_flow"): ("生产工艺流程", "Process flow"),
    ("products", "images.photo"): ("产品照片路径", "Product photo (path)"),
    ("products", "images.process"): ("工艺流程图路径", "Process flow chart (path)"),
    ("products", "pact.cpc"): ("联合国产品总分类（CPC）代码，PACT 文件用", "UN CPC code, for "
                               "PACT files"),
    ("products", "pact.fossil_carbon_kg"): ("单位产品所含化石碳 kgC", "Fossil carbon in one "
                                            "unit, kgC"),
    ("products", "pact.biogenic_carbon_kg"): ("单位产品所含生物碳 kgC", "Biogenic carbon in "
                                              "one unit, kgC"),
    ("products", "pact.packaging_included"): ("活动数据是否包含包装（true/false，默认 false）",
                                              "Whether the activities include packaging "
                                              "(true/false, default false)"),
    ("activities", "report.number"): _NUMBER,
    ("activities", "product"): ("产品 id（products 工作表）", "Product id (products sheet)"),
    ("activities", "stage"): ("生命周期阶段（下拉列表）", "Life-cycle stage (drop-down list)"),
    ("activities", "amount"): ("活动量，数字，不小于 0", "Amount, a number >= 0"),
    ("activities", "unit"): ("活动量单位，可换算为因子单位（kWh、MWh、t、kg、m3、L、t·km）",
                             "Unit of the amount, convertible to the factor's (kWh, MWh, t, "
                             "kg, m3, L, t·km)"),
    ("activities", "factor"): ("排放因子 id（因子集或 factors 工作表）；与 gas 二选一",
                               "Factor id (of the set or the factors sheet); either this or "
                               "gas"),
    ("activities", "gas"): ("直接排放的气体（如 SF6，单位 kg）；与 factor 二选一",
                            "A gas released directly (e.g. SF6, in kg); either this or "
                            "factor"),
    ("activities", "basis"): ("annual（除以年产量）或 per_unit（默认，已为单位产品）",
                              "annual (divided by annual output) or per_unit (default)"),
    ("activities", "data_type"): ("primary（现场实测）或 secondary（数据库）",
                                  "primary (measured) or secondary (database)"),
    ("activities", "source"): ("数据来源文件（如 2024年度电能表台账）", "Document the amount "
                               "comes from"),
    ("activities", "label"): ("活动表中显示的名称（代替因子名称）", "Name shown in the "
                              "activity table instead of the factor's"),
    ("activities", "note"): ("备注", "Note"),
    ("activities", "pedigree.reliability"): (
        "数据质量评分：可靠性，1 最好至 5 最差；留空按 data_type 默认",
        "Pedigree score: Reliability, 1 best to 5 worst; empty: the data type's default"),
    ("activities", "pedigree.completeness"): (
        "数据质量评分：完整性，1 最好至 5 最差；留空按 data_type 默认",
        "Pedigree score: Completeness, 1 best to 5 worst; empty: the data type's default"),
    ("activities", "pedigree.temporal"): (
        "数据质量评分：时间相关性，1 最好至 5 最差；留空按 data_type 默认",
        "Pedigree score: Temporal correlation, 1 best to 5 worst; empty: the data type's "
        "default"),
    ("activities", "pedigree.geographical"): (
        "数据质量评分：地理相关性，1 最好至 5 最差；留空按 data_type 默认",
        "Pedigree score: Geographical correlation, 1 best to 5 worst; empty: the data "
        "type's default"),
    ("activities", "pedigree.technological"): (
        "数据质量评分：技术相关性，1 最好至 5 最差；留空按 data_type 默认",
        "Pedigree score: Technological correlation, 1 best to 5 worst; empty: the data "
        "type's default"),
    ("activities", "uncertainty.distribution"): (
        "不确定性分布：lognormal、normal、triangular 或 uniform",
        "Distribution: lognormal, normal, triangular or uniform"),
    ("activities", "uncertainty.gsd"): (
        "lognormal 的几何标准差 exp(σ)，>= 1（不是 GSD95）",
        "lognormal: geometric SD exp(sigma), >= 1 (not the GSD95)"),
    ("activities", "uncertainty.gsd95"): (
        "或 lognormal 的 GSD95 = gsd²（ecoinvent 的 SD95），二者填一",
        "or lognormal: GSD95 = gsd squared (ecoinvent's SD95); one of the two"),
    ("activities", "uncertainty.sd"): ("normal 的标准差（同单位）",
        "normal: standard deviation, same unit"),
    ("activities", "uncertainty.min"): (
        "triangular/uniform 的下限（同单位）",
        "triangular/uniform: lowest value, same unit"),
    ("activities", "uncertainty.mode"): (
        "triangular 的众数，默认为数值本身",
        "triangular: most likely value, default the value itself"),
    ("activities", "uncertainty.max"): (
        "triangular/uniform 的上限（同单位）",
        "triangular/uniform: highest value, same unit"),
    ("factors", "report.number"): _NUMBER,
    ("factors", "id"): ("因子 id，activities 的 factor 列引用", "Factor id, as the "
                        "activities' factor column names it"),
    ("factors", "name"): ("因子名称", "Name"),
    ("factors", "value"): ("因子值", "Value"),
    ("factors", "unit"): ("因子单位，如 kgCO2e/kg", "Unit, e.g. kgCO2e/kg"),
    ("factors", "source"): ("来源文献", "Source document"),
    ("factors", "publisher"): ("发布机构", "Publisher"),
    ("factors", "published"): ("发布日期（文本：2024-12-20、2026-01 或 2025）",
                               "Published (text: 2024-12-20, 2026-01 or 2025)"),
    ("factors", "year"): ("因子所述年份", "Year the factor describes"),
    ("factors", "kind"): ("类别（下拉列表）", "Kind (drop-down list)"),
    ("factors", "verified"): ("是否已与来源核对：TRUE 或 FALSE", "Checked against its "
                              "source: TRUE or FALSE"),
    ("factors", "verified_by"): ("核对人", "Verified by"),
    ("factors", "verified_on"): ("核对日期（文本）", "Verified on (text)"),
    ("factors", "density"): ("密度 kg/L（以升计的燃料）", "Density in kg/L (fuels in litres)"),
    ("factors", "note"): ("备注", "Note"),
    ("factors", "en.name"): ("英文名称（英文版报告）", "Name in English (English edition)"),
    ("factors", "en.source"): ("英文来源", "Source in English"),
    ("factors", "en.publisher"): ("英文发布机构", "Publisher in English"),
    ("factors", "uncertainty.distribution"): (
        "不确定性分布：lognormal、normal、triangular 或 uniform",
        "Distribution: lognormal, normal, triangular or uniform"),
    ("factors", "uncertainty.gsd"): (
        "lognormal 的几何标准差 exp(σ)，>= 1（不是 GSD95）",
        "lognormal: geometric SD exp(sigma), >= 1 (not the GSD95)"),
    ("factors", "uncertainty.gsd95"): (
        "或 lognormal 的 GSD95 = gsd²（ecoinvent 的 SD95），二者填一",
        "or lognormal: GSD95 = gsd squared (ecoinvent's SD95); one of the two"),
    ("factors", "uncertainty.sd"): ("normal 的标准差（同单位）",
        "normal: standard deviation, same unit"),
    ("factors", "uncertainty.min"): (
        "triangular/uniform 的下限（同单位）",
        "triangular/uniform: lowest value, same unit"),
    ("factors", "uncertainty.mode"): (
        "triangular 的众数，默认为数值本身",
        "triangular: most likely value, default the value itself"),
    ("factors", "uncertainty.max"): (
        "triangular/uniform 的上限（同单位）",
        "triangular/uniform: highest value, same unit"),
}
