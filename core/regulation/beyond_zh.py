"""Our Chinese text for the clauses under "Beyond the source" in REGULATION.md, which the document gives in
English only. They are our requirements, not quotations (REGULATION.md says so), written in the document's own
script so that the regulation page reads in Chinese from R1 to R14. A company edits them like any other clause."""

from __future__ import annotations

#: clause id -> (Chinese title, Chinese text)
BEYOND_ZH: dict[str, tuple[str, str]] = {
    "R9.x": ("超預算控制",
             "費用支出按類別對照年度預算進行檢查;超出預算的報銷單提示審核人,或按公司的設置予以阻止。"),
    "R10": ("獎懲",
            "對業績優秀的員工給予表彰和獎勵(見 R4.4.1、R8.1.3);屢次未完成目標者予以警告或調整崗位;"
            "虛報的銷售業績無效並予以處罰。各項標準由公司設置,而非固定數字。"),
    "R11": ("保密與客戶數據",
            "客戶信息屬公司財產,僅對角色和團隊允許的人員可見;導出和批量查看均有記錄;數據經授權方可離開系統。"
            "客戶個人信息適用《個人信息保護法》:記錄同意及目的,由授權人員答復查閱和刪除請求,不保留超出需要的數據。"),
    "R12": ("網絡銷售行為規范",
            "產品信息真實、準確,不作虛假或引人誤解的宣傳(對應 R1.3.1)。"),
    "R13": ("記錄保存",
            "交易和審批記錄不得被悄然刪除或修改,每項變更均可追溯(何人、何時、何事)。記錄按可設置的期限保存"
            "(交易記錄至少保存三年,是我國網絡交易規則中常見的法定下限)。"),
    "R14": ("附則",
            "規定由哪個部門負責解釋本辦法,以及本辦法的生效日期。公司在系統內編輯本公司的辦法文本;"
            "每一條款鏈接到執行它的功能。"),
}

#: Our completion of R9.2.3, where the source breaks off ("審核通過后予以 [text ends]").
R9_2_3_COMPLETION_ZH = ("財務部門復審報銷單及其憑證,審核通過后予以支付(報銷),並記錄付款的日期、方式和憑證號。"
                        "每一級審核均可將報銷單退回或駁回,並注明原因。")
