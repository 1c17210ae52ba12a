/**
 * Vietnamese words for the intake schemas' property names and enum values, where the schema
 * gives no `title` of its own (a schema `title` always wins). Looked up as `parent.key` first,
 * then `key`; a name not listed shows as written.
 */

const FIELD_VI: Record<string, string> = {
  applicant: 'Người nộp hồ sơ',
  fullName: 'Họ và tên',
  citizenId: 'Số định danh cá nhân',
  birthDate: 'Ngày sinh',
  gender: 'Giới tính',
  phone: 'Số điện thoại',
  email: 'Thư điện tử',
  address: 'Địa chỉ',
  provinceCode: 'Mã tỉnh, thành phố',
  provinceName: 'Tỉnh, thành phố',
  communeCode: 'Mã xã, phường, đặc khu',
  communeName: 'Xã, phường, đặc khu',
  detail: 'Số nhà, đường, thôn, tổ dân phố',
  relationship: 'Quan hệ của người nộp',
  child: 'Trẻ được đăng ký khai sinh',
  birthPlace: 'Nơi sinh',
  ethnicity: 'Dân tộc',
  nationality: 'Quốc tịch',
  mother: 'Mẹ',
  father: 'Cha',
  residence: 'Nơi đăng ký thường trú của trẻ',
  documents: 'Giấy tờ nộp kèm',
  'documents.code': 'Giấy tờ',
  form: 'Hình thức',
  count: 'Số bản',
  fileName: 'Tên tệp',
  note: 'Ghi chú',
  deceased: 'Người đã mất',
  deathDate: 'Ngày mất',
  deathPlace: 'Nơi mất',
  cause: 'Nguyên nhân',
  lastResidence: 'Nơi cư trú cuối cùng',
  linked: 'Thủ tục liên thông kèm theo',
  transferor: 'Bên chuyển nhượng',
  transferee: 'Bên nhận chuyển nhượng',
  landParcel: 'Thửa đất',
  mapSheet: 'Tờ bản đồ số',
  parcel: 'Thửa đất số',
  area: 'Diện tích (m²)',
  certificateNumber: 'Số giấy chứng nhận',
  transferPrice: 'Giá chuyển nhượng (đồng)',
  project: 'Công trình',
  'project.name': 'Tên công trình',
  'project.address': 'Địa điểm xây dựng',
  kind: 'Hình thức xây dựng',
  floors: 'Số tầng',
  grossFloorArea: 'Tổng diện tích sàn (m²)',
  detachedHouse: 'Nhà ở riêng lẻ',
  consultedAgencies: 'Cơ quan được lấy ý kiến',
};

/** One row of a repeated group: "Giấy tờ 2". */
const ROW_VI: Record<string, string> = {
  documents: 'Giấy tờ',
};

const HINT_VI: Record<string, string> = {
  applicant: 'Người trực tiếp nộp hồ sơ tại bộ phận một cửa.',
  residence: 'Nơi trẻ được đăng ký thường trú.',
  mother: 'Khai thông tin của mẹ hoặc của cha (ít nhất một người).',
  father: 'Khai thông tin của mẹ hoặc của cha (ít nhất một người).',
  documents: 'Mỗi giấy tờ người nộp mang đến là một dòng.',
  linked: 'Các thủ tục người nộp chọn thực hiện cùng.',
  consultedAgencies: 'Các cơ quan cần lấy ý kiến cho giấy phép.',
  detachedHouse: 'Từ 01/12/2026: thời hạn 15 ngày; Trung tâm Phục vụ hành chính công cấp xã tiếp nhận, Ủy ban nhân dân cấp xã cấp phép.',
};

const VALUE_VI: Record<string, string> = {
  male: 'Nam',
  female: 'Nữ',
  father: 'Cha',
  mother: 'Mẹ',
  grandparent: 'Ông, bà',
  relative: 'Người thân thích khác',
  authorised: 'Người được ủy quyền',
  spouse: 'Vợ hoặc chồng',
  child: 'Con',
  parent: 'Cha hoặc mẹ',
  residence_removal: 'Xóa đăng ký thường trú',
  funeral_allowance: 'Trợ cấp mai táng',
  survivor_benefit: 'Trợ cấp tuất',
  original: 'Bản chính',
  copy: 'Bản sao',
  certified_copy: 'Bản sao có chứng thực',
  electronic: 'Bản điện tử',
  new: 'Xây dựng mới',
  renovation: 'Sửa chữa, cải tạo',
  relocation: 'Di dời',
  'canh-sat-pccc': 'Cảnh sát phòng cháy, chữa cháy và cứu nạn, cứu hộ',
  'so-nong-nghiep-moi-truong': 'Sở Nông nghiệp và Môi trường',
  'so-van-hoa-the-thao-du-lich': 'Sở Văn hóa, Thể thao và Du lịch',
};

export function fieldLabel(key: string, parent: string | undefined, title?: string): string {
  return title ?? (parent ? FIELD_VI[`${parent}.${key}`] : undefined) ?? FIELD_VI[key] ?? key;
}

export function rowLabel(key: string): string {
  return ROW_VI[key] ?? 'Dòng';
}

export function fieldHint(key: string, title?: string, description?: string): string | undefined {
  // The schemas' descriptions are written for developers (in English); one shows only beside a schema's own title.
  return HINT_VI[key] ?? (title ? description : undefined);
}

export function valueLabel(value: string, title?: string): string {
  return title ?? VALUE_VI[value] ?? value;
}
