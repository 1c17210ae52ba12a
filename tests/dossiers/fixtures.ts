/** Valid intakes of the four procedures, as a counter officer would type them in. */

export const APPLICANT = {
  fullName: 'Nguyễn Văn An',
  citizenId: '001090123456', // Hà Nội (001), male born in the 20th century (0), 1990 (90)
  birthDate: '1990-05-12',
  gender: 'male',
  phone: '0912345678',
  email: 'an.nguyen@example.vn',
  address: {
    provinceCode: '99',
    provinceName: 'tỉnh Thử Nghiệm',
    communeCode: '99001',
    communeName: 'xã Hòa Bình',
    detail: 'Số 12, thôn Đông',
  },
} as const;

const ADDRESS = APPLICANT.address;

export function birthIntake(): any {
  return {
    applicant: structuredClone(APPLICANT),
    relationship: 'father',
    child: { fullName: 'Nguyễn Minh Khang', birthDate: '2025-12-20', gender: 'male', birthPlace: 'Trạm y tế xã Hòa Bình' },
    mother: { fullName: 'Trần Thị Bích', citizenId: '079301654321', birthDate: '2001-03-04', gender: 'female' },
    father: { fullName: 'Nguyễn Văn An', citizenId: '001090123456', birthDate: '1990-05-12', gender: 'male' },
    residence: structuredClone(ADDRESS),
    documents: [{ code: 'to-khai-lien-thong' }, { code: 'giay-chung-sinh' }, { code: 'giay-to-tuy-than', form: 'original', count: 1 }],
  };
}

export function deathIntake(linked: string[] = ['residence_removal', 'funeral_allowance']): any {
  return {
    applicant: structuredClone(APPLICANT),
    relationship: 'child',
    deceased: {
      fullName: 'Nguyễn Văn Bảy',
      citizenId: '001050987654',
      birthDate: '1950-01-15',
      gender: 'male',
      deathDate: '2025-12-28',
      deathPlace: 'Tại nhà riêng, xã Hòa Bình',
    },
    linked,
    documents: [{ code: 'to-khai-lien-thong' }, { code: 'giay-bao-tu' }, { code: 'giay-to-tuy-than' }, { code: 'so-bao-hiem-xa-hoi' }],
  };
}

export function landIntake(): any {
  return {
    applicant: structuredClone(APPLICANT),
    transferor: { fullName: 'Lê Văn Cường', citizenId: '001075111222', birthDate: '1975-07-07', gender: 'male' },
    transferee: { fullName: 'Nguyễn Văn An', citizenId: '001090123456', birthDate: '1990-05-12', gender: 'male' },
    landParcel: { mapSheet: '12', parcel: '345', area: 120.5, certificateNumber: 'CS 123456', address: structuredClone(ADDRESS) },
    transferPrice: 1_500_000_000,
    documents: ['don-dang-ky-bien-dong', 'hop-dong-chuyen-nhuong', 'giay-chung-nhan', 'to-khai-thue-tncn', 'to-khai-le-phi-truoc-ba'].map((code) => ({ code })),
  };
}

export function constructionIntake(consulted: string[] = ['canh-sat-pccc', 'so-nong-nghiep-moi-truong']): any {
  return {
    applicant: structuredClone(APPLICANT),
    project: { name: 'Nhà ở riêng lẻ 4 tầng', kind: 'new', address: structuredClone(ADDRESS), floors: 4, grossFloorArea: 320 },
    consultedAgencies: consulted,
    documents: [{ code: 'don-de-nghi' }, { code: 'giay-to-dat-dai', form: 'copy' }, { code: 'ban-ve-thiet-ke', form: 'copy', count: 2 }],
  };
}

export const INTAKES: Record<string, () => any> = {
  'birth-registration-group': birthIntake,
  'death-registration-group': () => deathIntake(),
  'land-use-right-transfer': landIntake,
  'construction-permit': () => constructionIntake(),
};
